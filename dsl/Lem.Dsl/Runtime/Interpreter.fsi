/// Walks a checked program's actions top to bottom and calls the host for each.
module Lem.Dsl.Runtime.Interpreter

open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter

/// The experiments a target stands for (a sweep's members, a campaign's list).
val experimentsOf: program: CheckedProgram -> name: string -> string list

/// The runs of a target, every parameter resolved against `registry`. A campaign: its expansion (see
/// Campaigns.expand). An experiment or a sweep: each experiment's own `cycles`, all cycles of one experiment before
/// the next.
val runRequest:
    registry: Registry -> program: CheckedProgram -> name: string -> kind: TargetKind -> range: Range -> RunRequest

/// Executes the given actions in order; stops at the first failure. Returns the failure, if any.
val runActions:
    registry: Registry -> host: RunHost -> program: CheckedProgram -> actions: ScriptAction list -> SyntaxDiagnostic list

/// Runs a checked script top to bottom. A program with errors is not run: its diagnostics are returned.
val run: registry: Registry -> host: RunHost -> program: CheckedProgram -> SyntaxDiagnostic list
