namespace Lem.Dsl.Checker

open System
open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax

/// One step in how a parameter got its value: who set it, where, to what.
type ValueStep =
    { Value: ResolvedValue
      /// The experiment, sweep or "command line" that set it.
      Owner: string
      Range: Range
      /// The value as written, where that differs from the canonical form (durations: `1.5s`).
      SourceText: string option }

type ExperimentSource =
    | Declared of parent: string option
    | SweepMember of sweep: string * index: int

type CheckedExperiment =
    { Name: string
      Range: Range
      Source: ExperimentSource
      /// Values the script (and overrides) set, after inheritance and sweeps; defaults are not included.
      Values: IReadOnlyDictionary<string, ResolvedValue>
      /// Per parameter, every step that set it, oldest first.
      History: Map<string, ValueStep list> }

type CheckedSweep =
    { Name: string
      Parent: string
      Zip: bool
      /// Member experiment names, in order (dropped members excluded).
      Members: string list
      Dropped: string list
      Range: Range }

/// A campaign's `slurm { ... }` settings: what `lem run FILE --on slurm` asks SLURM for, per task (one task = one
/// planned run). None: the #SBATCH line is not written, and the cluster's default applies.
type SlurmSettings =
    { Partition: string option
      Account: string option
      /// `time`: the time limit of each task.
      Time: TimeSpan option
      GpusPerTask: int option
      CpusPerTask: int option
      /// `mem`: memory per node in sbatch's form (`32G`, `4000M`).
      Mem: string option
      /// `max_parallel`: at most this many tasks at once (the job array's `%N`); 1 runs them one at a time, in order.
      MaxParallel: int option
      /// `extra`: more sbatch options, one `#SBATCH` line each (`--constraint=a100`), as written.
      Extra: string list }

module SlurmSettings =
    /// Nothing set: SLURM's defaults (a run statement of an experiment or a sweep, or a campaign without `slurm`).
    let none =
        { Partition = None; Account = None; Time = None; GpusPerTask = None; CpusPerTask = None; Mem = None; MaxParallel = None; Extra = [] }

type CampaignOrder =
    | Interleaved
    | Shuffled
    | Grouped

type CheckedCampaign =
    { Name: string
      /// Experiment names after sweeps are expanded into their members.
      Experiments: string list
      Cycles: int
      Order: CampaignOrder
      Seed: int
      Gap: TimeSpan
      CycleGap: TimeSpan
      /// `schedule = "CRON"`: `lem daemon` runs one cycle at each occurrence (checked as a cron expression).
      Schedule: string option
      /// `slurm { ... }`: how `lem run --on slurm` submits the campaign's runs.
      Slurm: SlurmSettings
      /// `cold_start = true`: each planned run in a fresh lem process (its model loaded for it); default false (warm).
      ColdStart: bool
      Range: Range }

type TargetKind =
    | ExperimentTarget
    | SweepTarget
    | CampaignTarget

/// What the runner acts on, in script order.
type ScriptAction =
    | RunAction of name: string * kind: TargetKind * Range
    | AnalyzeAction of name: string * kind: TargetKind * AnalysisClause list * Range
    | ShowAction of name: string * kind: TargetKind * Range

type CheckedProgram =
    { /// Declared experiments and sweep members by name.
      Experiments: Map<string, CheckedExperiment>
      /// Experiment names in declaration order, sweep members in place of their sweep.
      ExperimentOrder: string list
      Sweeps: Map<string, CheckedSweep>
      Campaigns: Map<string, CheckedCampaign>
      Lets: Map<string, ConfigValue>
      /// The root file's statements (imports not inlined), as parsed.
      Statements: Statement list
      Actions: ScriptAction list
      Diagnostics: SyntaxDiagnostic list }

    member p.HasErrors = SyntaxDiagnostic.hasErrors p.Diagnostics

    member p.TargetKind(name: string) =
        if p.Campaigns.ContainsKey name then Some CampaignTarget
        elif p.Sweeps.ContainsKey name then Some SweepTarget
        elif p.Experiments.ContainsKey name then Some ExperimentTarget
        else None

/// What an `analyze` clause writes.
type OutputKind =
    | PlotFile
    | ExportFile

/// Pre-flight, as the host that composed the backends gives it to the checker: what can be known before anything runs
/// about what a script names outside itself (files, this machine). The checker calls it for the experiments the script
/// runs and for the files its analyses write; it never names a backend.
type PreflightService =
    { /// Findings about one experiment, from the values it sets (with provenance): each names its parameter.
      Experiment: IReadOnlyDictionary<string, ResolvedValue> -> Diagnostic list
      /// Why an analysis cannot write this file (the path as written), or None.
      Output: OutputKind -> string -> string option }

module AnalysisFiles =
    /// Where `plot Y vs X` of an analysis of TARGET writes without `to "FILE"`.
    let defaultPlot (target: string) (y: string) (x: string) = $"figures/{target}-{y}-vs-{x}.html"

/// A `--set PATH=VALUE` override, parsed.
type Override = { Path: string; Value: Value; Text: string }
