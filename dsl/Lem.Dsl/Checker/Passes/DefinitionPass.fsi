/// Pass 1, definitions: one namespace for lets, experiments, sweeps and campaigns. The first definition of a name
/// counts; a later one is an error (LEM0210) naming where the first is.
module Lem.Dsl.Checker.Passes.DefinitionPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports

val run: located: Located list -> DefinitionTable * SyntaxDiagnostic list
