/// Plain-text tables with aligned columns (numbers right-aligned), for the console and `analyze ... table`.
module Lem.Analysis.TextTable

open System

let private looksNumeric (text: string) =
    let number = if text.EndsWith '%' then text.Substring(0, text.Length - 1) else text
    let mutable v = 0.0
    Double.TryParse(number, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture, &v)

/// Renders a header and rows; a column whose cells are all numbers, percentages or NA is right-aligned.
let render (header: string list) (rows: string list list) =
    let all = header :: rows
    let count = header.Length
    for row in rows do
        if row.Length <> count then invalidArg "rows" $"a row has {row.Length} cells for {count} columns"
    let widths = [ for i in 0 .. count - 1 -> all |> List.map (fun r -> r[i].Length) |> List.max ]
    let right =
        [ for i in 0 .. count - 1 ->
              not (List.isEmpty rows) && rows |> List.forall (fun r -> r[i] = Format.Missing || looksNumeric r[i]) ]
    let line (row: string list) =
        row
        |> List.mapi (fun i cell -> if right[i] then cell.PadLeft widths[i] else cell.PadRight widths[i])
        |> String.concat "  "
        |> fun s -> s.TrimEnd()
    let rule = widths |> List.map (fun w -> String('-', w)) |> String.concat "  "
    String.concat "\n" ([ line header; rule ] @ List.map line rows) + "\n"
