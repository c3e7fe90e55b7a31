// The public surface and its documentation: SyntaxDiagnostic.fsi.
namespace Lem.Dsl.Syntax

open Lem.Engine.Config

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

    let render (d: SyntaxDiagnostic) =
        sprintf "%s:%d:%d: %s %s: %s" d.Range.File d.Range.StartLine d.Range.StartCol (severityText d.Severity) d.Code d.Message

    let isError (d: SyntaxDiagnostic) = d.Severity = Severity.Error
    let hasErrors (ds: SyntaxDiagnostic seq) = ds |> Seq.exists isError

    let normalise (ds: SyntaxDiagnostic seq) =
        ds
        |> Seq.distinctBy (fun d -> d.Code, d.Range, d.Message)
        |> Seq.sortBy (fun d -> d.Range.File, d.Range.StartLine, d.Range.StartCol, d.Code)
        |> List.ofSeq
