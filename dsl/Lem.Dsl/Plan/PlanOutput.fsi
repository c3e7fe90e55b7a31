/// `lem plan` (JSON and text), `show NAME` and `explain FILE NAME` output.
module Lem.Dsl.Plan.PlanOutput

open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter

/// `[{"name": "...", "params": {"batching.batch_size": {"value": 8, "from": "FILE:LINE"}, ...}}]`: every parameter of
/// every experiment (defaults filled in), valued as result records store them.
val planJson: registry: Registry -> program: CheckedProgram -> string

/// The readable form of `lem plan`: every experiment's parameters, then each campaign's run order.
val planText: registry: Registry -> program: CheckedProgram -> string

/// `show NAME`: an experiment, every member of a sweep, or a campaign's run order. None if NAME is unknown.
val showText: registry: Registry -> program: CheckedProgram -> name: string -> string option

/// `explain FILE NAME`: how NAME got each non-default value. None if NAME is unknown.
val explainText: registry: Registry -> program: CheckedProgram -> name: string -> string option
