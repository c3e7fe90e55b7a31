namespace Lem.Dsl.Syntax

open Lem.Engine.Config

/// A finding of the language front end, as data: code (LEM0nnn for the language, LEM1nnn from the
/// registry validator), severity, where, and a message that says the cause and the remedy.
type SyntaxDiagnostic =
    { Code: string
      Severity: Severity
      Range: Range
      Message: string }

module SyntaxDiagnostic =
    val error: code: string -> range: Range -> message: string -> SyntaxDiagnostic
    val warning: code: string -> range: Range -> message: string -> SyntaxDiagnostic
    val info: code: string -> range: Range -> message: string -> SyntaxDiagnostic

    /// error, warning or info
    val severityText: s: Severity -> string

    /// `FILE:LINE:COL: error LEMnnnn: message`
    val render: d: SyntaxDiagnostic -> string

    val isError: d: SyntaxDiagnostic -> bool
    val hasErrors: ds: SyntaxDiagnostic seq -> bool

    /// Sorted by file, line, column; duplicates (same code and place) removed.
    val normalise: ds: SyntaxDiagnostic seq -> SyntaxDiagnostic list
