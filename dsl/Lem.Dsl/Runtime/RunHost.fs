namespace Lem.Dsl.Runtime

open System
open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// One run for the engine: an experiment, its cycle (1-based), and every parameter (defaults filled in).
type ResolvedRun =
    { Experiment: string
      Cycle: int
      Parameters: IReadOnlyDictionary<string, ResolvedValue> }

/// `run NAME` reached: the runs in order, and the pauses to keep between them.
type RunRequest =
    { Target: string
      Kind: TargetKind
      Runs: ResolvedRun list
      /// Pause between two runs (campaign `gap`; zero otherwise).
      Gap: TimeSpan
      /// Pause between two cycles (campaign `cycle_gap`; zero otherwise).
      CycleGap: TimeSpan
      /// The campaign's `schedule` (cron), when it has one: `lem daemon` runs a cycle at each occurrence.
      Schedule: string option
      /// The campaign's `slurm { ... }` settings (none for an experiment or a sweep): `lem run --on slurm`.
      Slurm: SlurmSettings
      /// The campaign's `cold_start`: each run in a fresh lem process (false otherwise).
      ColdStart: bool
      Range: Range }

/// `analyze NAME { ... }` reached: the experiments whose results are analysed and the clauses, as written.
type AnalyzeRequest =
    { Target: string
      Kind: TargetKind
      Experiments: string list
      Clauses: AnalysisClause list
      Range: Range }

/// `show NAME` reached: the text to print.
type ShowRequest = { Name: string; Text: string; Range: Range }

/// What the runner (Lem.Engine.Running, plugged in by the CLI) does when the interpreter reaches an action.
/// An Error result stops the script; its message is reported at the statement.
type RunHost =
    { RunExperiments: RunRequest -> Result<unit, string>
      Analyze: AnalyzeRequest -> Result<unit, string>
      Show: ShowRequest -> unit }
