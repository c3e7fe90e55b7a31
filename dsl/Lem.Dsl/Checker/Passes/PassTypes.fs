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
      Position: Map<string, int> }

/// What the passes after `lets` read besides their own input.
type Scope =
    { Registry: Registry
      Definitions: DefinitionTable
      Lets: Map<string, ConfigValue>
      /// `--set` overrides; they apply after inheritance and sweeps.
      Overrides: Override list }

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
