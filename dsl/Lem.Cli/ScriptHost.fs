/// The runner behind `run`, `analyze` and `show` statements: lowers the language's run requests to the engine's
/// campaign runner (run folders as the truth, manifest, claims, resume, gaps) and prints what happened.
module Lem.Cli.ScriptHost

open System
open System.Collections.Generic
open System.IO
open Lem.Dsl.Runtime
open Lem.Engine
open Lem.Engine.Config
open Lem.Engine.Running
open Lem.Engine.Running.Locking

type HostOptions =
    { ScriptPath: string
      DryRun: bool
      Fresh: bool
      /// --results FOLDER: overrides every experiment's results.dir.
      ResultsOverride: string option
      /// --only KEY: one planned run, under its claim; the results folder's lock is not taken (parallel tasks share it).
      Only: bool
      /// --set overrides and --max-runs as given (a cold start's child processes get them too).
      Overrides: string list
      MaxRuns: int option
      /// --cold-start: every run in a fresh lem process (with --only: this process is one, and records so).
      ColdStart: bool }

/// Options of a run with no flags beyond the script (lem daemon, the REPL).
let defaultOptions (scriptPath: string) =
    { ScriptPath = scriptPath; DryRun = false; Fresh = false; ResultsOverride = None; Only = false; Overrides = []; MaxRuns = None; ColdStart = false }

/// This process in locks and claims: pid, host, now, and its command line as typed (`lem run camp.lem --only 'a#cycle1'`).
let holder = lazy (LockHolder.Current("lem " + ShellWords.join (Environment.GetCommandLineArgs() |> Array.skip 1)))

/// The engine's planned runs of a run request (results.dir overridden by --results).
let plannedRuns (options: HostOptions) (request: RunRequest) =
    let baseFolder = Path.GetDirectoryName(Path.GetFullPath options.ScriptPath)
    request.Runs
    |> List.map (fun r ->
        let parameters = PreflightHost.withResultsDir options.ResultsOverride r.Parameters
        PlannedRun(r.Experiment, r.Cycle, ExperimentConfig.From(parameters, Composition.registry), baseFolder))

/// The results folders (full paths) the runs write to.
let resultsFolders (runs: PlannedRun list) = runs |> List.map (fun r -> Path.GetFullPath r.Config.ResultsDir) |> List.distinct

/// The result store's own check, so that an unusable results.dir is one line naming it before anything is written.
let private ensureWritable (folder: string) = Lem.Engine.Results.Store.ResultStore(folder).EnsureWritable()

/// Removes what killed processes of this host left half-written there (exports, aggregations, manifest entries).
let private sweep (folder: string) = TemporaryFiles.Sweep(folder, depth = 3) |> ignore

/// The results folders this process holds (RunLocks.HoldResults), each taken once and kept until lem ends.
type HeldFolders() =
    let held = Dictionary<string, FileLock>()

    /// Takes each folder's lock (throws RunnerException naming the holder when another lem run has it).
    member _.Hold(folders: string list) =
        for folder in folders do
            if not (held.ContainsKey folder) then
                ensureWritable folder
                held[folder] <- RunLocks.HoldResults(folder, holder.Value)
                sweep folder

    interface IDisposable with
        member _.Dispose() =
            for l in held.Values do l.Dispose()

/// Checks the run's results folders and sweeps them, without their lock (`--only` tasks and lem daemon share a folder
/// with other processes; per-run claims keep each run once).
let prepareShared (runs: PlannedRun list) =
    for folder in resultsFolders runs do
        ensureWritable folder
        sweep folder

/// How far the runs of this lem process got, for the line printed when it is stopped.
type private Tally() =
    member val Planned = 0 with get, set
    member val DoneBefore = 0 with get, set
    member val Current: CampaignRunner option = None with get, set

    member t.Line() =
        let current = t.Current |> Option.map (fun c -> c.Completed) |> Option.defaultValue 0
        sprintf "interrupted: %d of %d runs done; rerun the same command to resume" (t.DoneBefore + current) t.Planned

/// The run manifest of a request: RESULTS/manifests/SCRIPT.TARGET/, one entry file per planned run (RESULTS: the first run's results folder).
let manifestFolder (options: HostOptions) (request: RunRequest) (runs: PlannedRun list) =
    let script = Path.GetFileNameWithoutExtension options.ScriptPath
    Path.Combine(Path.GetFullPath runs.Head.Config.ResultsDir, "manifests", $"{script}.{request.Target}")

/// Runs other processes were running (their claims held): one line naming each, and what to do.
let private busyMessage (busy: IReadOnlyList<struct (string * string)>) (total: int) =
    let each = busy |> Seq.map (fun struct (key, who) -> $"{key} by {who}") |> String.concat "; "
    $"{busy.Count} of {total} planned run(s) are being run by another process ({each}), so they were left to it. Remedy: when it has finished, rerun this command: it picks up their results and runs whatever is left."

/// The runs that failed (the campaign went on without them): one line naming each, its phase, error and logs, and what to do.
let failedMessage (failed: IReadOnlyList<FailedRun>) (total: int) =
    let each = failed |> Seq.map string |> String.concat "; "
    $"{failed.Count} of {total} planned run(s) failed: {each}. Remedy: see each run's FAILED file and logs; rerun the same command to retry the failed runs (completed runs are skipped)."

/// Prints the failed runs at the end of a campaign, one per line (stderr).
let printFailures (failed: IReadOnlyList<FailedRun>) =
    if failed.Count > 0 then
        eprintfn "failed runs (%d):" failed.Count
        for f in failed do eprintfn "  %O" f

/// The flags of the fresh lem process that runs planned run KEY of a cold-start campaign: this process's script,
/// overrides, results folder, run limit and --fresh, as full paths (lem run and lem daemon start them alike).
let coldStartFlags (options: HostOptions) (key: string) : OneRunCommand.Flags =
    { Script = Path.GetFullPath options.ScriptPath; Key = key; Overrides = options.Overrides
      Results = options.ResultsOverride |> Option.map Path.GetFullPath; MaxRuns = options.MaxRuns; Fresh = options.Fresh; ColdStart = true }

/// The campaign runner of lem run and lem daemon: each run through the experiment runner, its summary on stdout, each
/// run under its claim, stopped by Ctrl-C or SIGTERM.
let campaignRunner (runner: ExperimentRunner) =
    CampaignRunner(
        (fun run configHash ->
            let outcome = runner.Run(run, configHash)
            printfn "%s" outcome.Summary
            outcome),
        log = Console.Error,
        cancellation = Interruption.token,
        holder = holder.Value)

let private runExperiments (options: HostOptions) (held: HeldFolders) (tally: Tally) (runner: ExperimentRunner) (request: RunRequest) : Result<unit, string> =
    try
        let runs = plannedRuns options request
        if Interruption.requested () then Error(tally.Line())
        elif runs.IsEmpty then Ok()
        elif options.DryRun then
            printfn "run %s: %d runs (dry run, nothing executed)" request.Target runs.Length
            for r in runs do
                printfn "  %s  model=%O device=%O precision=%s batch_size=%d" r.Key r.Config.Model r.Config.Device r.Config.PrecisionText r.Config.Batching.BatchSize
            Ok()
        else
            if not options.Only then held.Hold(resultsFolders runs) else prepareShared runs
            match request.Schedule with
            | Some schedule ->
                eprintfn "note: campaign %s has schedule \"%s\": lem run runs its cycles now; lem daemon %s runs one at each occurrence" request.Target schedule options.ScriptPath
            | None -> ()
            let manifest = RunManifest.Open(manifestFolder options request runs)
            let campaignOptions = CampaignOptions(request.Gap, request.CycleGap, options.Fresh)
            if (request.ColdStart || options.ColdStart) && not options.Only then
                // a fresh lem process per run: this one keeps the folder's lock, each child takes its run's claim
                let outcome = ColdStart.run runs campaignOptions manifest (coldStartFlags options) (fun () -> tally.DoneBefore <- tally.DoneBefore + 1)
                let failed = ResizeArray outcome.Failed
                printFailures failed
                if failed.Count > 0 then Error(failedMessage failed runs.Length) else Ok()
            else
                let campaign = campaignRunner runner
                tally.Current <- Some campaign
                let outcome = campaign.Run(Array.ofList runs, campaignOptions, manifest)
                tally.Current <- None
                tally.DoneBefore <- tally.DoneBefore + outcome.Done.Count
                printFailures outcome.Failed
                if outcome.Failed.Count > 0 then Error(failedMessage outcome.Failed runs.Length)
                elif outcome.Busy.Count > 0 then Error(busyMessage outcome.Busy runs.Length)
                else Ok()
    with
    | :? RunInterruptedException -> Error(tally.Line())
    | :? ConfigException as e -> Error e.Message
    | e when UserError.isUserFacing e -> Error e.Message

/// <param name="planned">Planned runs of the whole command (the M of "N of M runs done").</param>
/// <param name="resultsDirOf">An experiment's results.dir (from the checked program).</param>
let create (options: HostOptions) (held: HeldFolders) (planned: int) (runner: ExperimentRunner) (resultsDirOf: string -> string) : RunHost =
    let tally = Tally(Planned = planned)
    Interruption.progressLine <- tally.Line
    { RunExperiments = runExperiments options held tally runner
      Analyze =
        if options.DryRun then
            // a dry run produces no results to analyse
            fun request ->
                printfn "analyze %s: skipped (dry run)" request.Target
                Ok()
        else
            fun request ->
                if Interruption.requested () then Error(tally.Line())
                else AnalyzeHost.run options.ScriptPath (fun e -> options.ResultsOverride |> Option.defaultWith (fun () -> resultsDirOf e)) request
      Show = fun show -> printfn "%s" show.Text }
