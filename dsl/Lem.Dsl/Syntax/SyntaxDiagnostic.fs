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
    let error code range message = { Code = code; Severity = Severity.Error; Range = range; Message = message }
    let warning code range message = { Code = code; Severity = Severity.Warning; Range = range; Message = message }
    let info code range message = { Code = code; Severity = Severity.Info; Range = range; Message = message }

    let severityText (s: Severity) =
        match s with
        | Severity.Error -> "error"
        | Severity.Warning -> "warning"
        | _ -> "info"

    /// `FILE:LINE:COL: error LEMnnnn: message`
    let render (d: SyntaxDiagnostic) =
        sprintf "%s:%d:%d: %s %s: %s" d.Range.File d.Range.StartLine d.Range.StartCol (severityText d.Severity) d.Code d.Message

    let isError (d: SyntaxDiagnostic) = d.Severity = Severity.Error
    let hasErrors (ds: SyntaxDiagnostic seq) = ds |> Seq.exists isError

    /// Sorted by file, line, column; duplicates (same code and place) removed.
    let normalise (ds: SyntaxDiagnostic seq) =
        ds
        |> Seq.distinctBy (fun d -> d.Code, d.Range, d.Message)
        |> Seq.sortBy (fun d -> d.Range.File, d.Range.StartLine, d.Range.StartCol, d.Code)
        |> List.ofSeq
