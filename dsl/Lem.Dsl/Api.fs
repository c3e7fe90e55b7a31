/// The front door for the `lem` CLI and for `dotnet fsi` scripts: everything takes paths or text and
/// returns data (diagnostics included); nothing here throws on bad input or prints.
module Lem.Dsl.Api

open System
open System.IO
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Plan
open Lem.Dsl.Runtime
open Lem.Dsl.Yaml

let version = "0.1.0"

/// The registry the checker validates against (the host's composition, see RegistryAdapter.useRegistry).
let registry () = RegistryAdapter.engine ()

let private failed (diagnostics: SyntaxDiagnostic list) : CheckedProgram =
    { Experiments = Map.empty; ExperimentOrder = []; Sweeps = Map.empty; Campaigns = Map.empty; Lets = Map.empty
      Statements = []; Actions = []; Diagnostics = diagnostics }

let isYaml (path: string) =
    path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)

/// Parses and checks a .lem script or an original-format YAML config (by extension), applying
/// `--set PATH=VALUE` overrides (Provenance.CommandLine). Paths in diagnostics are relative to the current directory.
let checkFile (overrides: string list) (path: string) : CheckedProgram =
    match Overrides.parseAll overrides with
    | Error ds -> failed ds
    | Ok parsed ->
        let options = { Checker.defaultOptions () with Overrides = parsed }
        if isYaml path then YamlLoader.check options path else Checker.checkFile options path

/// Checks script text as if it were the file at `path` (imports relative to it).
let checkText (overrides: string list) (path: string) (text: string) : CheckedProgram =
    match Overrides.parseAll overrides with
    | Error ds -> failed ds
    | Ok parsed -> Checker.checkText { Checker.defaultOptions () with Overrides = parsed } path text

/// `FILE:LINE:COL: error LEMnnnn: message`, one line per diagnostic, in source order.
let render (diagnostics: SyntaxDiagnostic list) : string list = diagnostics |> List.map SyntaxDiagnostic.render

let hasErrors (program: CheckedProgram) = program.HasErrors

/// `lem plan --json`: `[{"name": ..., "params": {"p": {"value": .., "from": ".."}}}]`.
let planJson (program: CheckedProgram) : string = PlanOutput.planJson (registry ()) program

/// `lem plan`: readable text.
let planText (program: CheckedProgram) : string = PlanOutput.planText (registry ()) program

/// `show NAME`: None when NAME is not an experiment, sweep or campaign.
let show (program: CheckedProgram) (name: string) : string option = PlanOutput.showText (registry ()) program name

/// `lem explain FILE NAME`: None when NAME is not an experiment, sweep member, sweep or campaign.
let explain (program: CheckedProgram) (name: string) : string option = PlanOutput.explainText (registry ()) program name

/// Every parameter of an experiment (defaults filled in, Provenance.Default).
let fullValues (program: CheckedProgram) (experiment: string) =
    Checker.fullValues (registry ()) program.Experiments[experiment]

/// `lem run`: executes run/analyze/show top to bottom through the host. A program with errors is not run
/// (its errors are returned); otherwise the first failure, if any.
let run (host: RunHost) (program: CheckedProgram) : SyntaxDiagnostic list = Interpreter.run (registry ()) host program

/// `lem run --dry-run` and `lem plan`: the runs a target stands for, without running them.
let runRequest (program: CheckedProgram) (name: string) : RunRequest option =
    program.TargetKind name
    |> Option.map (fun kind -> Interpreter.runRequest (registry ()) program name kind (Range.point "<command line>" 1 1))

/// `lem config convert x.yaml`: the equivalent .lem text, or the errors that prevent it.
let convertYaml (path: string) : Result<string, SyntaxDiagnostic list> = YamlLoader.convert (Checker.defaultOptions ()) path

/// The REPL: start a session, submit chunks (`:load FILE`, `:quit`, a bare name shows it), and run the
/// actions a chunk produced.
let replStart () : Repl.ReplSession = Repl.start (Checker.defaultOptions ())
let replSubmit (session: Repl.ReplSession) (chunk: string) : Repl.ReplOutcome = Repl.submit session chunk
let replRun (host: RunHost) (outcome: Repl.ReplOutcome) : SyntaxDiagnostic list =
    Interpreter.runActions (registry ()) host outcome.Session.Program outcome.Actions
