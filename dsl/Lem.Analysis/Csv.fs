/// Reading CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks) into rows of fields.
module Lem.Analysis.Csv

open System.Text

/// The rows of a CSV text; a final line break does not start an empty row. Fails on an unterminated quote.
let parse (file: string) (text: string) : string list list =
    let rows = ResizeArray<string list>()
    let row = ResizeArray<string>()
    let field = StringBuilder()
    let mutable i = 0
    let mutable quoted = false
    let mutable line = 1
    let mutable quoteLine = 0
    let endField () =
        row.Add(field.ToString())
        field.Clear() |> ignore
    let endRow () =
        endField ()
        rows.Add(List.ofSeq row)
        row.Clear()
    while i < text.Length do
        let c = text[i]
        if quoted then
            if c = '"' then
                if i + 1 < text.Length && text[i + 1] = '"' then
                    field.Append '"' |> ignore
                    i <- i + 1
                else quoted <- false
            else
                if c = '\n' then line <- line + 1
                field.Append c |> ignore
        else
            match c with
            | '"' when field.Length = 0 ->
                quoted <- true
                quoteLine <- line
            | ',' -> endField ()
            | '\r' when i + 1 < text.Length && text[i + 1] = '\n' -> ()
            | '\n' ->
                endRow ()
                line <- line + 1
            | _ -> field.Append c |> ignore
        i <- i + 1
    if quoted then raise (AnalysisException $"{file}:{quoteLine}: a quoted field is not closed; the file is cut short or not a CSV export.")
    if field.Length > 0 || row.Count > 0 then endRow ()
    List.ofSeq rows
