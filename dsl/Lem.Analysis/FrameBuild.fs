/// Building frames column by column with typed columns (numbers as float, text as string) and missing values.
module Lem.Analysis.FrameBuild

open Deedle

type Column =
    | NumberColumn of name: string * values: float option list
    | TextColumn of name: string * values: string option list

/// A frame with the given row keys (unique) and columns (one value per row each), in order.
let build (rowKeys: string list) (columns: Column list) : Frame<string, string> =
    match rowKeys |> List.countBy id |> List.tryFind (fun (_, n) -> n > 1) with
    | Some(key, _) -> invalidArg "rowKeys" $"row key '{key}' appears twice"
    | None -> ()
    let frame = Frame.ofRowKeys rowKeys
    for column in columns do
        match column with
        | NumberColumn(name, values) ->
            if values.Length <> rowKeys.Length then invalidArg "columns" $"column {name} has {values.Length} values for {rowKeys.Length} rows"
            let values = values |> List.map (Option.filter System.Double.IsFinite)
            frame.AddColumn(name, Series.ofOptionalObservations (List.zip rowKeys values))
        | TextColumn(name, values) ->
            if values.Length <> rowKeys.Length then invalidArg "columns" $"column {name} has {values.Length} values for {rowKeys.Length} rows"
            frame.AddColumn(name, Series.ofOptionalObservations (List.zip rowKeys values))
    frame
