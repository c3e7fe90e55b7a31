/// The front door for the `lem` CLI and for `dotnet fsi` scripts: everything takes paths or text and returns data
/// (diagnostics included); nothing here throws on bad input or prints. Every entry point takes the registry it checks
/// against (RegistryAdapter.ofRegistry of the registry the host composed from its backend modules).
module Lem.Dsl.Api

open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter
open Lem.Dsl.Runtime

val version: string

/// Whether the path names an original-format YAML config (.yaml, .yml).
val isYaml: path: string -> bool

/// Parses and checks a .lem script or an original-format YAML config (by extension), applying
/// `--set PATH=VALUE` overrides (Provenance.CommandLine). Paths in diagnostics are relative to the current directory.
val checkFile: registry: Registry -> overrides: string list -> path: string -> CheckedProgram

/// What the language commands add to a check: `--set` overrides, `--max-runs`, and pre-flight (PreflightService, made by
/// the host that composed the backends).
type CheckSettings =
    { Overrides: string list
      /// The most runs a sweep, a campaign or a `run` statement may expand to.
      MaxRuns: int
      Preflight: PreflightService option }

/// No overrides, the default run limit (10 000), no pre-flight: what checkFile does.
val defaultSettings: CheckSettings

/// checkFile with the given settings.
val checkFileWith: registry: Registry -> settings: CheckSettings -> path: string -> CheckedProgram

/// One line per `run` statement: `run NAME (N experiments): R runs`, for `lem check` and `lem plan`.
val runSummary: registry: Registry -> program: CheckedProgram -> string list

/// Checks script text as if it were the file at `path` (imports relative to it).
val checkText: registry: Registry -> overrides: string list -> path: string -> text: string -> CheckedProgram

/// `FILE:LINE:COL: error LEMnnnn: message`, one line per diagnostic, in source order.
val render: diagnostics: SyntaxDiagnostic list -> string list

val hasErrors: program: CheckedProgram -> bool

/// `lem plan --json`: `[{"name": ..., "params": {"p": {"value": .., "from": ".."}}}]`.
val planJson: registry: Registry -> program: CheckedProgram -> string

/// `lem plan`: readable text.
val planText: registry: Registry -> program: CheckedProgram -> string

/// `show NAME`: None when NAME is not an experiment, sweep or campaign.
val show: registry: Registry -> program: CheckedProgram -> name: string -> string option

/// `lem explain FILE NAME`: None when NAME is not an experiment, sweep member, sweep or campaign.
val explain: registry: Registry -> program: CheckedProgram -> name: string -> string option

/// Every parameter of an experiment (defaults filled in, Provenance.Default).
val fullValues: registry: Registry -> program: CheckedProgram -> experiment: string -> IReadOnlyDictionary<string, ResolvedValue>

/// `lem run`: executes run/analyze/show top to bottom through the host. A program with errors is not run
/// (its errors are returned); otherwise the first failure, if any.
val run: registry: Registry -> host: RunHost -> program: CheckedProgram -> SyntaxDiagnostic list

/// `lem run --dry-run` and `lem plan`: the runs a target stands for, without running them.
val runRequest: registry: Registry -> program: CheckedProgram -> name: string -> RunRequest option

/// `lem config convert x.yaml`: the equivalent .lem text, or the errors that prevent it.
val convertYaml: registry: Registry -> path: string -> Result<string, SyntaxDiagnostic list>

/// The REPL: start a session, submit chunks (`:load FILE`, `:quit`, a bare name shows it), and run the
/// actions a chunk produced (with the session's registry).
val replStart: registry: Registry -> Repl.ReplSession
val replSubmit: session: Repl.ReplSession -> chunk: string -> Repl.ReplOutcome
val replRun: host: RunHost -> outcome: Repl.ReplOutcome -> SyntaxDiagnostic list
