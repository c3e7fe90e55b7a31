// The public surface and its documentation: Overrides.fsi.
module Lem.Dsl.Checker.Overrides

open Lem.Dsl.Syntax
open Lem.Dsl.Parser
open Lem.Dsl.Checker

let parse (text: string) : Result<Override, SyntaxDiagnostic> =
    match text.IndexOf '=' with
    | i when i > 0 ->
        let path = text.Substring(0, i).Trim()
        let valueText = text.Substring(i + 1)
        let validPath =
            path.Split('.') |> Array.forall (fun p -> p.Length > 0 && (System.Char.IsAsciiLetter p[0] || p[0] = '_') && p |> Seq.forall (fun c -> System.Char.IsAsciiLetterOrDigit c || c = '_'))
        if not validPath then
            Error(SyntaxDiagnostic.error Codes.BadOverride (Range.point "--set" 1 1) (sprintf "--set %s: '%s' is not a parameter path such as batching.batch_size" text path))
        else
            match ScriptParser.parseValue "--set" valueText with
            | Ok v ->
                let shift (r: Range) = { r with StartCol = r.StartCol + i + 1; EndCol = r.EndCol + i + 1 }
                Ok { Path = path; Value = { v with Range = shift v.Range }; Text = text }
            | Error d -> Error { d with Code = Codes.BadOverride; Message = sprintf "--set %s: %s" text d.Message }
    | _ -> Error(SyntaxDiagnostic.error Codes.BadOverride (Range.point "--set" 1 1) (sprintf "--set %s: write --set PATH=VALUE, e.g. --set batching.batch_size=8" text))

let parseAll (texts: string seq) : Result<Override list, SyntaxDiagnostic list> =
    let results = texts |> Seq.map parse |> List.ofSeq
    match results |> List.choose (function Error e -> Some e | _ -> None) with
    | [] -> Ok(results |> List.choose (function Ok o -> Some o | _ -> None))
    | errors -> Error errors
