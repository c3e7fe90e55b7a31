/// Plain-text tables for the console and `analyze ... table`: the engine's TextTable with a rule under the header, and
/// numbers right-aligned.
module Lem.Analysis.TextTable

open System

let private looksNumeric (text: string) =
    let number = if text.EndsWith '%' then text.Substring(0, text.Length - 1) else text
    let mutable v = 0.0
    Double.TryParse(number, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture, &v)

/// Renders a header and rows; a column whose cells are all numbers, percentages or NA is right-aligned.
let render (header: string list) (rows: string list list) =
    let count = header.Length
    for row in rows do
        if row.Length <> count then invalidArg "rows" $"a row has {row.Length} cells for {count} columns"
    let numeric =
        [| for i in 0 .. count - 1 do
               if not (List.isEmpty rows) && rows |> List.forall (fun r -> r[i] = Format.Missing || looksNumeric r[i]) then i |]
    let table = Lem.Engine.Results.Views.TextTable(Array.ofList header).RuleUnderHeader().AlignRight(numeric)
    for row in rows do table.Add(Array.ofList row)
    table.Render()
