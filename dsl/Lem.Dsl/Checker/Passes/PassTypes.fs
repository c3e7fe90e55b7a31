namespace Lem.Dsl.Checker.Passes

open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter

/// The names a script defines (lets, experiments, sweeps and campaigns share one namespace): the first definition of
/// each; later ones are duplicates, reported and ignored.
type DefinitionTable =
    { /// Names in the order they are first defined.
      Order: string list
      ByName: Map<string, Statement>
      /// Where each name is first defined: its index among the loaded statements (imports inlined).
      Position: Map<string, int>
      /// The folder of the file that defines each name: a relative path in its values is relative to it.
      Folders: Map<string, string>
      /// The root script's folder: what the runner resolves relative paths against (PathAnchors).
      RootFolder: string }

/// What the passes after `lets` read besides their own input.
type Scope =
    { Registry: Registry
      Definitions: DefinitionTable
      Lets: Map<string, ConfigValue>
      /// `--set` overrides; they apply after inheritance and sweeps.
      Overrides: Override list
      /// The most runs a sweep, a campaign or a `run` statement may expand to (RunLimits).
      MaxRuns: int }

/// Sweeps expanded into their members, before overrides and the backend check.
type SweepExpansion =
    { /// Every sweep, Members and Dropped still empty.
      Sweeps: Map<string, CheckedSweep>
      /// Per sweep, its members in order (none when the sweep's parent is not an experiment).
      Candidates: Map<string, CheckedExperiment list> }

/// Experiments that will run (declared ones and the sweep members kept, overrides applied), and the sweeps with their
/// kept and dropped members.
type ValidatedExperiments =
    { Experiments: Map<string, CheckedExperiment>
      Sweeps: Map<string, CheckedSweep> }

module DefinitionTable =
    /// What a statement is, for messages ("'x' is a campaign; ...").
    let kindName (s: Statement) =
        match s with
        | Let _ -> "a let binding"
        | Experiment _ -> "an experiment"
        | Sweep _ -> "a sweep"
        | Campaign _ -> "a campaign"
        | _ -> "a statement"

    /// Defined names whose statement satisfies `pred`, in definition order.
    let namesWhere (pred: Statement -> bool) (table: DefinitionTable) =
        table.Order |> List.filter (fun n -> pred table.ByName[n])

    let isExperiment (s: Statement) = match s with Experiment _ -> true | _ -> false

/// How many runs a script may ask for: counted before anything is expanded, so that a sweep of 20^8 members is refused
/// in a moment instead of filling the memory.
module RunLimits =
    /// The default limit of runs per sweep, campaign or `run` statement (`lem ... --max-runs N` raises it).
    let defaultMax = 10_000

    /// Above this many runs, a `run` statement gets a warning (LEM0237) saying how many.
    let warnAbove = 1_000

    /// "12,345": run counts in messages.
    let text (n: bigint) = n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)

    /// Why `count` runs (or members: `unit`) are refused (LEM0236), naming what expands to them.
    let tooMany (what: string) (unit: string) (count: bigint) (maxRuns: int) =
        sprintf "%s expands to %s %s, above the limit of %s runs. Remedy: sweep fewer values, or raise the limit with --max-runs N (lem check, plan, run, explain and experiment take it)"
            what (text count) unit (text (bigint maxRuns))

/// Where a finding about an experiment's parameter points.
module FindingSite =
    /// The step that last set `parameter`, else the finding's own location (an assignment), else the experiment's name.
    let range (e: CheckedExperiment) (parameter: string) (location: Provenance) =
        match (if isNull parameter then None else e.History.TryFind parameter) with
        | Some steps when not steps.IsEmpty -> (List.last steps).Range
        | _ ->
            match location with
            | :? Provenance.Assignment as a -> Range.point a.File a.Line a.Column
            | _ -> e.Range

    /// An engine finding (validation, pre-flight) about `e`, at its site.
    let ofDiagnostic (e: CheckedExperiment) (d: Diagnostic) : SyntaxDiagnostic =
        { Code = d.Code; Severity = d.Severity; Range = range e d.Parameter d.Location; Message = d.Message }

/// How many runs an experiment stands for on its own (`run NAME` of an experiment or a sweep): its `cycles`.
module RunCount =
    let cycles (registry: Registry) (e: CheckedExperiment) =
        let value =
            match e.Values.TryGetValue "cycles" with
            | true, rv -> Some rv.Value
            | _ -> registry.TryGet "cycles" |> Option.bind (fun d -> Option.ofObj d.Default)
        match value with
        | Some(:? ConfigValue.Integer as i) when i.Value >= 1L -> i.Value
        | _ -> 1L

    /// (experiments, runs) of `run NAME`: a campaign's list times its cycles; a sweep's kept members or one
    /// experiment, each run its own `cycles` times.
    let ofTarget (registry: Registry) (experiments: Map<string, CheckedExperiment>) (sweeps: Map<string, CheckedSweep>)
                 (campaigns: Map<string, CheckedCampaign>) (name: string) (kind: TargetKind) : int * bigint =
        match kind with
        | CampaignTarget ->
            let c = campaigns[name]
            c.Experiments.Length, bigint c.Experiments.Length * bigint c.Cycles
        | SweepTarget ->
            let members = sweeps[name].Members
            members.Length, members |> List.sumBy (fun m -> bigint (cycles registry experiments[m]))
        | ExperimentTarget -> 1, bigint (cycles registry experiments[name])

    /// `run NAME (3 experiments)`, `run NAME (3 experiments x 2 cycles)` for a campaign.
    let describe (campaigns: Map<string, CheckedCampaign>) (name: string) (experiments: int) =
        let plural = if experiments = 1 then "" else "s"
        match campaigns.TryFind name with
        | Some c -> sprintf "run %s (%d experiment%s x %d cycle%s)" name experiments plural c.Cycles (if c.Cycles = 1 then "" else "s")
        | None -> sprintf "run %s (%d experiment%s)" name experiments plural
