// The public surface and its documentation: Api.fsi.
module Lem.Dsl.Api

open System
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter
open Lem.Dsl.Plan
open Lem.Dsl.Runtime
open Lem.Dsl.Yaml

let version = "0.1.0"

let isYaml (path: string) =
    path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)

type CheckSettings =
    { Overrides: string list
      MaxRuns: int
      Preflight: PreflightService option }

let defaultSettings = { Overrides = []; MaxRuns = Passes.RunLimits.defaultMax; Preflight = None }

let private withSettings (registry: Registry) (settings: CheckSettings) (check: Checker.CheckOptions -> CheckedProgram) =
    match Overrides.parseAll settings.Overrides with
    | Error ds -> Checker.emptyProgram ds
    | Ok parsed ->
        check { Checker.defaultOptions registry with Overrides = parsed; MaxRuns = settings.MaxRuns; Preflight = settings.Preflight }

let private withOverrides (registry: Registry) (overrides: string list) (check: Checker.CheckOptions -> CheckedProgram) =
    withSettings registry { defaultSettings with Overrides = overrides } check

let checkFileWith (registry: Registry) (settings: CheckSettings) (path: string) : CheckedProgram =
    withSettings registry settings (fun options -> if isYaml path then YamlLoader.check options path else Checker.checkFile options path)

let checkFile (registry: Registry) (overrides: string list) (path: string) : CheckedProgram =
    checkFileWith registry { defaultSettings with Overrides = overrides } path

let runSummary (registry: Registry) (program: CheckedProgram) : string list =
    [ for action in program.Actions do
          match action with
          | RunAction(name, kind, _) ->
              let experiments, runs =
                  Passes.RunCount.ofTarget registry program.Experiments program.Sweeps program.Campaigns name kind
              yield sprintf "%s: %s run%s" (Passes.RunCount.describe program.Campaigns name experiments) (Passes.RunLimits.text runs) (if runs = 1I then "" else "s")
          | _ -> () ]

let checkText (registry: Registry) (overrides: string list) (path: string) (text: string) : CheckedProgram =
    withOverrides registry overrides (fun options -> Checker.checkText options path text)

let render (diagnostics: SyntaxDiagnostic list) : string list = diagnostics |> List.map SyntaxDiagnostic.render

let hasErrors (program: CheckedProgram) = program.HasErrors

let planJson (registry: Registry) (program: CheckedProgram) : string = PlanOutput.planJson registry program

let planText (registry: Registry) (program: CheckedProgram) : string = PlanOutput.planText registry program

let show (registry: Registry) (program: CheckedProgram) (name: string) : string option = PlanOutput.showText registry program name

let explain (registry: Registry) (program: CheckedProgram) (name: string) : string option = PlanOutput.explainText registry program name

let fullValues (registry: Registry) (program: CheckedProgram) (experiment: string) =
    Checker.fullValues registry program.Experiments[experiment]

let run (registry: Registry) (host: RunHost) (program: CheckedProgram) : SyntaxDiagnostic list = Interpreter.run registry host program

let runRequest (registry: Registry) (program: CheckedProgram) (name: string) : RunRequest option =
    program.TargetKind name
    |> Option.map (fun kind -> Interpreter.runRequest registry program name kind (Range.point "<command line>" 1 1))

let convertYaml (registry: Registry) (path: string) : Result<string, SyntaxDiagnostic list> =
    YamlLoader.convert (Checker.defaultOptions registry) path

let replStart (registry: Registry) : Repl.ReplSession = Repl.start (Checker.defaultOptions registry)
let replSubmit (session: Repl.ReplSession) (chunk: string) : Repl.ReplOutcome = Repl.submit session chunk
let replRun (host: RunHost) (outcome: Repl.ReplOutcome) : SyntaxDiagnostic list =
    Interpreter.runActions outcome.Session.Options.Registry host outcome.Session.Program outcome.Actions
