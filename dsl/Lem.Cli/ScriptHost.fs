/// The runner behind `run`, `analyze` and `show` statements: lowers the language's run requests to the engine's
/// campaign runner (manifest, resume, gaps) and prints what happened.
module Lem.Cli.ScriptHost

open System
open System.IO
open Lem.Dsl.Runtime
open Lem.Engine.Config
open Lem.Engine.Running

type HostOptions =
    { ScriptPath: string
      DryRun: bool
      Fresh: bool
      /// --results FOLDER: overrides every experiment's results.dir.
      ResultsOverride: string option }

/// The engine's planned runs of a run request (results.dir overridden by --results).
let plannedRuns (options: HostOptions) (request: RunRequest) =
    let baseFolder = Path.GetDirectoryName(Path.GetFullPath options.ScriptPath)
    request.Runs
    |> List.map (fun r ->
        let parameters = PreflightHost.withResultsDir options.ResultsOverride r.Parameters
        PlannedRun(r.Experiment, r.Cycle, ExperimentConfig.From(parameters, Composition.registry), baseFolder))

/// Checks the results folder up front (the result store's own check), so that an unusable results.dir is one line
/// naming it before the manifest or any run is written.
let private ensureResultsFolder (resultsDir: string) =
    let full = Path.GetFullPath resultsDir
    Lem.Engine.Results.Store.ResultStore(full).EnsureWritable()
    full

/// The run manifest of a request: RESULTS/manifests/SCRIPT.TARGET.json (RESULTS: the first run's results folder, checked writable).
let manifestPath (options: HostOptions) (request: RunRequest) (runs: PlannedRun list) =
    let first = runs.Head
    let resultsRoot = ensureResultsFolder first.Config.ResultsDir
    let script = Path.GetFileNameWithoutExtension options.ScriptPath
    Path.Combine(resultsRoot, "manifests", $"{script}.{request.Target}.json")

/// Whether a run folder is complete (its DONE marker): what the manifest's resume check asks.
let resultComplete (folder: string) = File.Exists(Path.Combine(folder, "DONE"))

/// The campaign runner of lem run and lem daemon: each run through the experiment runner, its summary on stdout.
let campaignRunner (runner: ExperimentRunner) =
    CampaignRunner(
        (fun run ->
            let outcome = runner.Run run
            printfn "%s" outcome.Summary
            outcome),
        resultComplete,
        log = Console.Error)

let private runExperiments (options: HostOptions) (runner: ExperimentRunner) (request: RunRequest) : Result<unit, string> =
    try
        let runs = plannedRuns options request
        if runs.IsEmpty then
            Ok()
        elif options.DryRun then
            printfn "run %s: %d runs (dry run, nothing executed)" request.Target runs.Length
            for r in runs do
                printfn "  %s  model=%O device=%O precision=%s batch_size=%d" r.Key r.Config.Model r.Config.Device r.Config.PrecisionText r.Config.Batching.BatchSize
            Ok()
        else
            match request.Schedule with
            | Some schedule ->
                eprintfn "note: campaign %s has schedule \"%s\": lem run runs its cycles now; lem daemon %s runs one at each occurrence" request.Target schedule options.ScriptPath
            | None -> ()
            let manifest = RunManifest.OpenOrCreate(manifestPath options request runs)
            (campaignRunner runner).Run(Array.ofList runs, CampaignOptions(request.Gap, request.CycleGap, options.Fresh), manifest) |> ignore
            Ok()
    with
    | :? ConfigException as e -> Error e.Message
    | e when UserError.isUserFacing e -> Error e.Message

/// <param name="resultsDirOf">An experiment's results.dir (from the checked program).</param>
let create (options: HostOptions) (runner: ExperimentRunner) (resultsDirOf: string -> string) : RunHost =
    { RunExperiments = runExperiments options runner
      Analyze =
        if options.DryRun then
            // a dry run produces no results to analyse
            fun request ->
                printfn "analyze %s: skipped (dry run)" request.Target
                Ok()
        else
            AnalyzeHost.run options.ScriptPath (fun e -> options.ResultsOverride |> Option.defaultWith (fun () -> resultsDirOf e))
      Show = fun show -> printfn "%s" show.Text }
