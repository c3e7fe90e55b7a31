/// Pass 6, campaigns: each campaign's settings (experiments, cycles, order, seed, gap, cycle_gap; LEM0240 for an
/// unknown key, LEM0241 for a bad value or a name listed twice), sweeps listed as their kept members, LEM0243 when
/// that leaves no experiment, LEM0236 when experiments x cycles exceeds Scope.MaxRuns, and a LEM0242 warning where a
/// listed experiment sets its own cycles (the campaign's replace them).
module Lem.Dsl.Checker.Passes.CampaignPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

val run: scope: Scope -> validated: ValidatedExperiments -> Map<string, CheckedCampaign> * SyntaxDiagnostic list
