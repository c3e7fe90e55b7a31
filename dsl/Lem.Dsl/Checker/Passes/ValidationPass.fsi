/// Pass 5, validation: `--set` overrides applied to every experiment and sweep member, then each checked against the
/// registry (the validator's LEM1nnn findings, placed at the step that set the parameter). A parameter that does not
/// apply to a declared experiment's backend is an error (LEM1005); a sweep member with one is dropped with a LEM0232
/// note, so that a sweep over backends keeps only the members each backend takes.
module Lem.Dsl.Checker.Passes.ValidationPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

val run:
    scope: Scope -> declared: Map<string, CheckedExperiment> -> expansion: SweepExpansion -> ValidatedExperiments * SyntaxDiagnostic list
