// The public surface and its documentation: Checker.fsi.
module Lem.Dsl.Checker.Checker

open System
open System.Collections.Generic
open System.IO
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.RegistryAdapter
open Lem.Dsl.Checker.Passes

type CheckOptions =
    { Registry: Registry
      Files: SourceFiles
      Overrides: Override list
      MaxRuns: int
      Preflight: PreflightService option }

let defaultOptions (registry: Registry) =
    { Registry = registry
      Files = Imports.diskFiles Environment.CurrentDirectory
      Overrides = []
      MaxRuns = RunLimits.defaultMax
      Preflight = None }

let emptyProgram (diagnostics: SyntaxDiagnostic list) =
    { Experiments = Map.empty; ExperimentOrder = []; Sweeps = Map.empty; Campaigns = Map.empty; Lets = Map.empty; Statements = []; Actions = []; Diagnostics = diagnostics }

let private runPasses (options: CheckOptions) (located: Located list) (preDiagnostics: SyntaxDiagnostic list) : CheckedProgram =
    let definitions, definitionDiagnostics = DefinitionPass.run located
    let lets, letDiagnostics = LetPass.run definitions
    let scope = { Registry = options.Registry; Definitions = definitions; Lets = lets; Overrides = options.Overrides; MaxRuns = options.MaxRuns }
    let declared, inheritanceDiagnostics = InheritancePass.run scope
    let expansion, sweepDiagnostics = SweepPass.run scope declared
    let validated, validationDiagnostics = ValidationPass.run scope declared expansion
    let campaigns, campaignDiagnostics = CampaignPass.run scope validated
    let actions, actionDiagnostics = ActionPass.run scope validated campaigns located
    let preflightDiagnostics =
        match options.Preflight with
        | Some service -> PreflightPass.run service scope validated campaigns actions
        | None -> []
    let experimentOrder =
        [ for name in definitions.Order do
              match definitions.ByName[name] with
              | Experiment _ when validated.Experiments.ContainsKey name -> yield name
              | Sweep _ when validated.Sweeps.ContainsKey name -> yield! validated.Sweeps[name].Members
              | _ -> () ]
    { Experiments = validated.Experiments
      ExperimentOrder = experimentOrder
      Sweeps = validated.Sweeps
      Campaigns = campaigns
      Lets = lets
      Statements = located |> List.filter (fun l -> l.IsRoot) |> List.map (fun l -> l.Statement)
      Actions = actions
      Diagnostics =
        SyntaxDiagnostic.normalise (
            List.concat
                [ preDiagnostics; definitionDiagnostics; letDiagnostics; inheritanceDiagnostics; sweepDiagnostics
                  validationDiagnostics; campaignDiagnostics; actionDiagnostics; preflightDiagnostics ]) }

let private internalError (range: Range) (ex: exn) =
    SyntaxDiagnostic.error Codes.Internal range (sprintf "internal checker error (please report it): %s" ex.Message)

let checkLoaded (options: CheckOptions) (located: Located list) (preDiagnostics: SyntaxDiagnostic list) : CheckedProgram =
    try
        runPasses options located preDiagnostics
    with ex ->
        let range = match located with l :: _ -> Statement.range l.Statement | [] -> Range.point "<input>" 1 1
        emptyProgram (preDiagnostics @ [ internalError range ex ])

let checkText (options: CheckOptions) (path: string) (text: string) : CheckedProgram =
    let fullPath = Path.GetFullPath path
    try
        let located, loadDiagnostics = Imports.load options.Files fullPath text
        checkLoaded options located loadDiagnostics
    with ex ->
        emptyProgram [ internalError (Range.point (options.Files.Display fullPath) 1 1) ex ]

let checkFile (options: CheckOptions) (path: string) : CheckedProgram =
    let fullPath = Path.GetFullPath path
    match Imports.read options.Files fullPath with
    | Error d -> emptyProgram [ d ]
    | Ok(Some text) -> checkText options path text
    | Ok None ->
        emptyProgram [ SyntaxDiagnostic.error Codes.ImportNotFound (Range.point (options.Files.Display fullPath) 1 1) (sprintf "cannot read %s: the file does not exist or is not readable" path) ]

let fullValues (registry: Registry) (e: CheckedExperiment) : IReadOnlyDictionary<string, ResolvedValue> =
    let resolved = Dictionary<string, ResolvedValue>(registry.Resolve e.Values)
    // values the registry does not know stay (the validator has reported them)
    for kv in e.Values do
        if not (resolved.ContainsKey kv.Key) then resolved[kv.Key] <- kv.Value
    resolved :> IReadOnlyDictionary<_, _>
