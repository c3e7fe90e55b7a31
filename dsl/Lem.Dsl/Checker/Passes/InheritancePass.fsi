/// Pass 3, inheritance: every declared experiment with the values it inherits and sets (forward references to a
/// parent allowed). An unknown parent or a parent that is not an experiment is LEM0220, a cycle LEM0221, a path set
/// twice in one experiment a LEM0222 warning, a chain of more than maxInheritanceDepth experiments LEM0203. Values are
/// lowered against the registry (bare words bound by `let`).
module Lem.Dsl.Checker.Passes.InheritancePass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// The longest chain of parents an experiment may have (as brackets may nest 200 deep).
val maxInheritanceDepth: int

/// The declared experiments by name (overrides not applied yet).
val run: scope: Scope -> Map<string, CheckedExperiment> * SyntaxDiagnostic list
