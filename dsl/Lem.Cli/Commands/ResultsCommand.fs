/// `lem results list | show ID | export --format csv|json|parquet [--out FILE]`.
module Lem.Cli.Commands.ResultsCommand

open System.IO
open Argu
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Engine.Results.Export
open Lem.Engine.Results.Store
open Lem.Engine.Results.Views

let private storeOf (args: ParseResults<ResultsArgs>) =
    let folder = args.GetResult(ResultsArgs.Dir, defaultValue = "results")
    if not (Directory.Exists folder) then
        fail (sprintf "results folder '%s' does not exist. Remedy: run an experiment first (lem run FILE.lem), or pass --dir FOLDER." folder)
    ResultStore(Path.GetFullPath folder)

let run (args: ParseResults<ResultsArgs>) =
    let store = storeOf args
    match args.TryGetSubCommand() with
    | Some ResultsArgs.List
    | None ->
        printf "%s" (ResultsView.List store)
        0
    | Some(ResultsArgs.Show show) ->
        printfn "%s" (ResultsView.Show(store, show.GetResult ResultsShowArgs.Id))
        0
    | Some(ResultsArgs.Export export) ->
        let records = store.LoadAggregated()
        let format =
            match export.GetResult ResultsExportArgs.Format with
            | ExportFormatArg.Csv -> ExportFormat.Csv
            | ExportFormatArg.Json -> ExportFormat.Json
            | ExportFormatArg.Parquet -> ExportFormat.Parquet
        match export.TryGetResult ResultsExportArgs.Out, format with
        | Some path, _ ->
            ResultExport.Write(format, path, records)
            eprintfn "wrote %d runs to %s" records.Count path
        | None, ExportFormat.Csv -> printf "%s" (CsvExporter.Format records)
        | None, ExportFormat.Json -> printfn "%s" (JsonExporter.Format records)
        | None, _ -> fail "parquet is a binary format: give a file with --out FILE.parquet."
        0
    | Some _ -> fail "unknown results command; see lem results --help."
