/// Pass 8, pre-flight (only when the host gives a PreflightService): what can be known before anything runs about what
/// the script names outside itself. The experiments the root file's `run` statements run (every experiment, in a file
/// with no `run` statement: definitions to import, a YAML config) go to the service, whose findings (LEM11nn) are
/// placed at the step that set their parameter; every file an `analyze` writes (an export, a plot, its default name
/// included) must have a known extension and a folder that can be written (LEM0253, at the clause).
module Lem.Dsl.Checker.Passes.PreflightPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

val run:
    service: PreflightService ->
    scope: Scope ->
    validated: ValidatedExperiments ->
    campaigns: Map<string, CheckedCampaign> ->
    actions: ScriptAction list ->
        SyntaxDiagnostic list
