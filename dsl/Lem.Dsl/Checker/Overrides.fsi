/// `--set PATH=VALUE` command-line overrides, parsed with the language's value grammar.
module Lem.Dsl.Checker.Overrides

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// Parses `PATH=VALUE` (VALUE as in scripts: 8, bf16, "cuda:0", 30s, [1, 2]). Ranges use the file name "--set".
val parse: text: string -> Result<Override, SyntaxDiagnostic>

/// Parses every override; all errors are returned together.
val parseAll: texts: string seq -> Result<Override list, SyntaxDiagnostic list>
