/// `analyze NAME { table | plot | pareto | export }`: the analysed experiments' completed runs as a Deedle frame
/// (Lem.Analysis), one clause after another. results.dir and output files are both relative to the working directory
/// (Analysis.outputPath).
module Lem.Cli.AnalyzeHost

open System
open System.IO
open Deedle
open Lem.Analysis
open Lem.Dsl.Runtime
open Lem.Dsl.Syntax
open Lem.Engine.Config

let private resultsFolders (resultsDirOf: string -> string) (experiments: string list) =
    experiments |> List.map (fun e -> Path.GetFullPath(resultsDirOf e)) |> List.distinct

let private recordsOf (folders: string list) (experiments: string list) =
    let entries =
        folders
        |> List.filter Directory.Exists
        |> List.collect Results.runs
        |> List.filter (fun e -> isNull e.Record || List.contains e.Record.Experiment experiments)
    // the one rule for superseded runs (the latest complete run of each experiment and cycle), said when it left any out
    Results.leftOut entries |> Option.iter (printfn "analyze: %s")
    let records = (Results.selection entries).Kept |> List.ofSeq
    for problem in Lem.Engine.Results.Validity.WorkloadConsistency.Problems records do
        printfn "warning: %s" problem
    if records.IsEmpty then
        let names = String.Join(", ", experiments)
        let where = String.Join(", ", folders)
        raise (AnalysisException $"no completed runs of {names} in {where}. Remedy: run them first (a `run` statement above the `analyze`).")
    records

let run (_scriptPath: string) (resultsDirOf: string -> string) (request: AnalyzeRequest) : Result<unit, string> =
    try
        let folders = resultsFolders resultsDirOf request.Experiments
        let records = recordsOf folders request.Experiments
        let frame = Results.ofRecords records
        for clause in request.Clauses do
            match clause with
            | Table(metrics, by, _) ->
                let text, _ = Analysis.table frame (metrics |> List.map (fun p -> p.Text)) (by |> List.map (fun p -> p.Text))
                printfn "%s" text
            | Plot(y, x, by, file, _) ->
                let file = file |> Option.defaultValue (Lem.Dsl.Checker.AnalysisFiles.defaultPlot request.Target y.Text x.Text)
                let written = Analysis.plot frame y.Text x.Text (by |> Option.map (fun p -> p.Text)) (Analysis.outputPath file)
                printfn "plot: %O" written
            | Pareto(objectives, _) ->
                let goals = objectives |> List.map (fun (d, p) -> p.Text, (match d with Minimize -> Goal.Minimize | Maximize -> Goal.Maximize))
                let text, _ = Analysis.paretoTable frame goals
                printfn "%s" text
            | Export(file, _) ->
                printfn "export: %s (%d runs)" (Analysis.exportRecords records (Analysis.outputPath file)) records.Length
        Result.Ok()
    with
    | :? AnalysisException as e -> Result.Error e.Message
    | e when UserError.isUserFacing e -> Result.Error e.Message
