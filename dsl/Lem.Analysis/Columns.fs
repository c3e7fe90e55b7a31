/// Reading a results frame (rows = runs keyed by run id, columns named as in the engine's export) by column name,
/// with clear messages for names that are not there.
module Lem.Analysis.Columns

open System
open Deedle

let names (frame: Frame<string, string>) = frame.ColumnKeys |> List.ofSeq

/// The column names closest to a misspelt one (up to three, closest first).
let suggestions (frame: Frame<string, string>) (name: string) =
    Lem.Engine.Config.NameSuggester.Ranked(name, names frame, 3) |> List.ofSeq

/// Fails with a message naming the column, what it was wanted for, and the closest names, when it is absent.
let require (frame: Frame<string, string>) (what: string) (name: string) =
    if not (frame.ColumnKeys |> Seq.contains name) then
        let hint =
            match suggestions frame name with
            | [] -> "The results have no column like it; `lem results export --format csv --out FILE.csv` shows every column."
            | close -> "Did you mean " + String.Join(", ", close) + "?"
        raise (AnalysisException $"{what} '{name}' is not a column of the results. {hint}")

let private types (frame: Frame<string, string>) = Seq.zip frame.ColumnKeys frame.ColumnTypes |> Map.ofSeq

/// True when the column holds numbers.
let isNumber (frame: Frame<string, string>) (name: string) =
    require frame "column" name
    types frame |> Map.find name = typeof<float>

/// The column's cells in row order, with the row keys.
let cells (frame: Frame<string, string>) (name: string) : (string * Cell) list =
    require frame "column" name
    frame.GetColumn<obj>(name)
    |> Series.observationsAll
    |> Seq.map (fun (key, value) -> key, (match value with Some v -> Cell.ofObj v | None -> Cell.Missing))
    |> List.ofSeq

/// The column's numbers in row order (None where missing); the column must be a number column.
let numbers (frame: Frame<string, string>) (what: string) (name: string) : (string * float option) list =
    require frame what name
    if not (isNumber frame name) then
        raise (AnalysisException $"{what} '{name}' holds text, not numbers; choose a metric column such as energy_per_output_token_j.")
    frame.GetColumn<float>(name) |> Series.observationsAll |> Seq.map (fun (k, v) -> k, v |> Option.filter Double.IsFinite) |> List.ofSeq

/// Rows grouped by the values of some columns: each group's values (one per column, in column order) and its row
/// keys, groups sorted by their values (numbers ascending, then texts, then missing; the first column varies slowest).
let groupBy (frame: Frame<string, string>) (by: string list) : (Cell list * string list) list =
    for name in by do require frame "grouping column" name
    let columns = by |> List.map (fun name -> cells frame name |> Map.ofList)
    frame.RowKeys
    |> Seq.map (fun key -> columns |> List.map (fun c -> c[key]), key)
    |> Seq.groupBy fst
    |> Seq.map (fun (values, rows) -> values, rows |> Seq.map snd |> List.ofSeq)
    |> Seq.sortBy fst
    |> List.ofSeq

/// The label of a group: "batching.batch_size=8, precision=bf16", or "all runs" for no grouping columns.
let groupLabel (by: string list) (values: Cell list) =
    if List.isEmpty by then "all runs"
    else List.map2 (fun (n: string) (v: Cell) -> n + "=" + v.Label) by values |> String.concat ", "

/// Columns of the given names whose non-missing values differ between rows (the parameters that were swept).
let varying (frame: Frame<string, string>) (candidates: string list) =
    candidates
    |> List.filter (fun name ->
        cells frame name |> List.map snd |> List.filter (fun c -> c <> Cell.Missing) |> List.distinct |> List.length > 1)
