/// Pass 4, sweeps: each sweep's members, its parent's values with one value per axis set (a grid: every combination,
/// the first axis varying slowest; zip: element by element). Members are named `SWEEP[path=value,...]`. An unknown
/// parent is LEM0220, zip lists of different lengths LEM0231, an axis without values LEM0233, a `--set` of an axis a
/// LEM0234 warning, a value listed twice on an axis (or a position repeated in a zip, or an axis given twice) LEM0235
/// at the repeat: two members would share one name. Members are counted before they are made: more than
/// Scope.MaxRuns is LEM0236 and makes none.
module Lem.Dsl.Checker.Passes.SweepPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// `declared`: the experiments of the inheritance pass.
val run: scope: Scope -> declared: Map<string, CheckedExperiment> -> SweepExpansion * SyntaxDiagnostic list
