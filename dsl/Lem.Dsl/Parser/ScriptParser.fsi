/// Entry points of the parser: whole scripts (with recovery) and single values. Never throws.
module Lem.Dsl.Parser.ScriptParser

open Lem.Dsl.Syntax

/// Deepest nesting of brackets and braces accepted; deeper input is refused before parsing, so that no
/// input can exhaust the parser's stack.
val maxNesting: int

/// Parses a whole script; `file` is the name used in ranges. Returns the statements that parsed and one
/// diagnostic per statement that did not.
val parse: file: string -> text: string -> Statement list * SyntaxDiagnostic list

/// Parses one value (the right-hand side of `--set PATH=VALUE`, the YAML importer's scalars).
val parseValue: file: string -> text: string -> Result<Value, SyntaxDiagnostic>
