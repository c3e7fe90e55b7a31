/// `lem results list [--valid] | show ID | export --format csv|json|parquet [--out FILE] [--all]`.
module Lem.Cli.Commands.ResultsCommand

open System.IO
open Argu
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Engine.Results.Aggregation
open Lem.Engine.Results.Export
open Lem.Engine.Results.Store
open Lem.Engine.Results.Validity
open Lem.Engine.Results.Views

let private storeOf (args: ParseResults<ResultsArgs>) =
    let folder = args.GetResult(ResultsArgs.Dir, defaultValue = "results")
    if not (Directory.Exists folder) then
        fail (sprintf "results folder '%s' does not exist. Remedy: run an experiment first (lem run FILE.lem), or pass --dir FOLDER." folder)
    ResultStore(Path.GetFullPath folder)

/// Runs whose verdict has no failing check; the others (failing, or written before verdicts) are counted, not listed.
let validOnly (entries: RunEntry list) =
    let valid = entries |> List.filter (fun e -> not (isNull e.Record) && not (isNull e.Record.Validity) && e.Record.Validity.Status <> ValidityStatus.Fail)
    let failing = entries |> List.filter (fun e -> not (isNull e.Record) && not (isNull e.Record.Validity) && e.Record.Validity.Status = ValidityStatus.Fail)
    let unjudged = entries.Length - valid.Length - failing.Length
    valid, sprintf "--valid: %d run(s) listed; left out %d with a failing check and %d without a verdict (unreadable, or written before verdicts)." valid.Length failing.Length unjudged

let run (args: ParseResults<ResultsArgs>) =
    let store = storeOf args
    match args.TryGetSubCommand() with
    | Some(ResultsArgs.List list) when list.Contains ResultsListArgs.Valid ->
        let valid, note = validOnly (List.ofSeq (store.ListRuns()))
        if not valid.IsEmpty then printf "%s" (ResultsView.List(ResizeArray valid))
        eprintfn "%s" note
        0
    | Some(ResultsArgs.List _)
    | None ->
        printf "%s" (ResultsView.List store)
        0
    | Some(ResultsArgs.Show show) ->
        let record = store.Aggregate(store.ResolveRunId(show.GetResult ResultsShowArgs.Id))
        printf "%s" (ValidityText.Render(record.Validity))
        printfn "%s" (ResultsView.Show record)
        0
    | Some(ResultsArgs.Export export) ->
        let all = store.LoadAggregated()
        let selection = Supersession.Select all
        let records = if export.Contains ResultsExportArgs.All then List.ofSeq all else List.ofSeq selection.Kept
        let format =
            match export.GetResult ResultsExportArgs.Format with
            | ExportFormatArg.Csv -> ExportFormat.Csv
            | ExportFormatArg.Json -> ExportFormat.Json
            | ExportFormatArg.Parquet -> ExportFormat.Parquet
        if not (export.Contains ResultsExportArgs.All) then
            match selection.Describe() with
            | null -> ()
            | text -> eprintfn "export: %s" text
        match export.TryGetResult ResultsExportArgs.Out, format with
        | Some path, _ ->
            ResultExport.Write(format, path, records)
            eprintfn "wrote %d runs to %s" records.Length path
        | None, ExportFormat.Csv -> printf "%s" (CsvExporter.Format records)
        | None, ExportFormat.Json -> printfn "%s" (JsonExporter.Format records)
        | None, _ -> fail "parquet is a binary format: give a file with --out FILE.parquet."
        0
    | Some _ -> fail "unknown results command; see lem results --help."
