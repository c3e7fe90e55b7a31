/// Pass 2, let bindings: each bound value lowered in definition order, so a binding may use the bindings above it.
/// A bare word that is not bound stays a word (an enumerated value).
module Lem.Dsl.Checker.Passes.LetPass

open Lem.Engine.Config
open Lem.Dsl.Syntax

val run: definitions: DefinitionTable -> Map<string, ConfigValue> * SyntaxDiagnostic list
