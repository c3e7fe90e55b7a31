/// Pass 4, sweeps: each sweep's members, its parent's values with one value per axis set (a grid: every combination,
/// the first axis varying slowest; zip: element by element). Members are named `SWEEP[path=value,...]`. An unknown
/// parent is LEM0220, zip lists of different lengths LEM0231, an axis without values LEM0233, and a `--set` of an
/// axis a LEM0234 warning.
module Lem.Dsl.Checker.Passes.SweepPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// `declared`: the experiments of the inheritance pass.
val run: scope: Scope -> declared: Map<string, CheckedExperiment> -> SweepExpansion * SyntaxDiagnostic list
