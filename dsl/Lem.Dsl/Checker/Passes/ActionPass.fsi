/// Pass 7, actions: the `run`, `analyze` and `show` statements of the root file (imported files' actions are not
/// executed), in order, each naming an experiment, sweep or campaign defined above it (LEM0250 for an unknown target,
/// LEM0251 for one defined further down). Analysis clauses name canonical metrics (LEM0252). A `run` of a sweep or
/// experiment is refused above Scope.MaxRuns runs (LEM0236; a campaign is judged where it is defined), warned about
/// above RunLimits.warnAbove (LEM0237), and an error when every member of its sweep was dropped (LEM0243).
module Lem.Dsl.Checker.Passes.ActionPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports

val run:
    scope: Scope ->
    validated: ValidatedExperiments ->
    campaigns: Map<string, CheckedCampaign> ->
    located: Located list ->
        ScriptAction list * SyntaxDiagnostic list
