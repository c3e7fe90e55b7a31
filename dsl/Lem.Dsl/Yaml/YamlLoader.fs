// The public surface and its documentation: YamlLoader.fsi.
module Lem.Dsl.Yaml.YamlLoader

open System.IO
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Yaml.YamlTree
open Lem.Dsl.Yaml.StudyReader

/// The statements an original config stands for: one experiment, or a campaign's experiments, campaign and run.
let private loadStatements (options: Checker.CheckOptions) (path: string) : Statement list * SyntaxDiagnostic list =
    let full = Path.GetFullPath path
    let files = options.Files
    match YamlFiles.load files full [] with
    | Some(YMap(items, whole)), ds ->
        let ctx: ExperimentReader.Context = { Registry = options.Registry; Files = files; ConfigPath = full; RootFolder = Path.GetDirectoryName full; MaxRuns = options.MaxRuns }
        match kindOf items with
        | ExperimentFile ->
            let fallback: Ident = { Name = ExperimentReader.identifier (Path.GetFileNameWithoutExtension full); Range = Range.point (files.Display full) 1 1 }
            let lowered = ExperimentReader.lower ctx (OriginalSchema.detect items) true fallback items whole
            match lowered.Statement, lowered.Schedule with
            | Experiment(name, _, _, _), Some(cron, cycles, r) ->
                // the original's daemon mode: the experiment in a campaign that lem daemon runs on the schedule
                let campaign: Ident = { Name = name.Name + "_scheduled"; Range = r }
                let setting path kind = { Path = { Parts = [ path ]; Range = r }; Value = { Kind = kind; Range = r }; Range = r; Origin = Written }
                let settings =
                    [ setting "experiments" (List [ { Kind = Word name.Name; Range = r } ])
                      setting "schedule" (Str cron)
                      match cycles with Some n -> setting "cycles" (Int(int64 n)) | None -> () ]
                [ lowered.Statement; Campaign(campaign, settings, whole); Run(campaign, whole) ], ds @ lowered.Diagnostics
            | _ -> [ lowered.Statement ], ds @ lowered.Diagnostics
        | CampaignFile
        | StudyFile ->
            let statements, lowered = StudyReader.read ctx items whole
            statements, ds @ lowered
    | _, ds -> [], ds

let private loadGuarded (options: Checker.CheckOptions) (path: string) =
    try
        loadStatements options path
    with ex ->
        [], [ SyntaxDiagnostic.error Codes.Internal (Range.point path 1 1) (sprintf "internal error reading YAML (please report it): %s" ex.Message) ]

let check (options: Checker.CheckOptions) (path: string) : CheckedProgram =
    let statements, diagnostics = loadGuarded options path
    let full = Path.GetFullPath path
    let located = statements |> List.map (fun s -> { Statement = s; FullPath = full; IsRoot = true })
    Checker.checkLoaded options located diagnostics

let convert (options: Checker.CheckOptions) (path: string) : Result<string, SyntaxDiagnostic list> =
    let statements, diagnostics = loadGuarded options path
    if statements.IsEmpty || SyntaxDiagnostic.hasErrors diagnostics then Error(SyntaxDiagnostic.normalise diagnostics)
    else
        let header =
            sprintf "# converted from %s by `lem config convert`; values marked `# original default` are the original tool's defaults for keys the file leaves out\n"
                (options.Files.Display(Path.GetFullPath path))
        Ok(header + (statements |> List.map Printer.statement |> String.concat "\n"))
