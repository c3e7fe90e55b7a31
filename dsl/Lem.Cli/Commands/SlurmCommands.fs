/// `lem run FILE --on slurm` (one job array per run statement, one task per planned run that is not complete, queued
/// or running; submitted with sbatch) and `lem status FILE` (each planned run's state from its run folders, the
/// manifest, and squeue/sacct for the jobs lem submitted). docs/scale-out.md.
module Lem.Cli.Commands.SlurmCommands

open System
open System.Collections.Generic
open System.IO
open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Cli.Slurm
open Lem.Dsl
open Lem.Dsl.Checker
open Lem.Dsl.Runtime
open Lem.Engine.Running

/// The planned runs that one `run` statement plans first (a key planned again by a later statement belongs to the
/// first: `lem run FILE --only KEY` runs and records it there).
type StatementRuns =
    { Request: RunRequest
      Runs: PlannedRun list
      /// SCRIPT.TARGET: the name of its manifest, its job and its files under RESULTS/slurm.
      Name: string
      /// The results folder of its first run, where its sbatch scripts and submission records are kept.
      ResultsRoot: string }

let private statements (options: ScriptHost.HostOptions) (program: CheckedProgram) : StatementRuns list =
    let seen = HashSet<string>()
    ScriptCommands.runRequests options.ScriptPath program
    |> List.choose (fun request ->
        match ScriptHost.plannedRuns options request |> List.filter (fun r -> seen.Add r.Key) with
        | [] -> None
        | runs ->
            let manifest = ScriptHost.manifestFolder options request runs
            Some { Request = request; Runs = runs; Name = Path.GetFileName manifest; ResultsRoot = Path.GetFullPath runs.Head.Config.ResultsDir })

/// The array task that lem submitted last for each key of these submissions.
let private lastTasks (submissions: Submissions.Submission list) : Map<string, string * int> =
    submissions
    |> List.collect (fun s -> s.Keys |> List.mapi (fun i key -> key, (s.JobId.Value, i)))
    |> Map.ofList

/// What is known of each planned run of a statement (its manifest is read per run: --only writes it there).
let private facts (options: ScriptHost.HostOptions) (st: StatementRuns) (tasks: Map<string, string * int>) : RunStates.RunFacts list =
    st.Runs
    |> List.map (fun run ->
        let manifest = RunManifest.Open(ScriptHost.manifestFolder options st.Request [ run ])
        { Key = run.Key
          CompleteRunId = CampaignRunner.CompleteRunId(run, manifest) |> Option.ofObj
          Manifest = manifest.Find run.Key |> Option.ofObj
          LastTask = tasks.TryFind run.Key })

/// One statement's runs as SLURM and the results folder see them.
let private survey (options: ScriptHost.HostOptions) (st: StatementRuns) =
    let submissions = Submissions.submitted st.ResultsRoot st.Name
    let view = QueueStates.ask (submissions |> List.choose (fun s -> s.JobId) |> List.distinct)
    view, facts options st (lastTasks submissions)

let private hostOptions (path: string) (results: string option) (fresh: bool) : ScriptHost.HostOptions =
    { ScriptHost.defaultOptions path with Fresh = fresh; ResultsOverride = results }

// ---------------------------------------------------------------------------------------------------------------
// lem run FILE --on slurm

/// The shell words that start lem in each task: --lem-command, else $LEM_SLURM_COMMAND, else this lem.
let private lemCommand (given: string option) =
    let text =
        given
        |> Option.orElse (Environment.GetEnvironmentVariable "LEM_SLURM_COMMAND" |> Option.ofObj |> Option.filter (String.IsNullOrWhiteSpace >> not))
        |> Option.defaultWith (fun () -> ShellWords.join (OneRunCommand.thisLem ()))
    if text.Contains '\n' || text.Contains '\r' || String.IsNullOrWhiteSpace text then
        fail "--lem-command (or LEM_SLURM_COMMAND) must be one line of shell words that start lem, such as /shared/lem/lem or 'dotnet /shared/lem/lem.dll'. Remedy: give it on one line."
    text

/// The options of lem run that --on slurm cannot take.
let private refuseCombinations (args: ParseResults<RunArgs>) =
    if args.Contains RunArgs.Only then fail "--on slurm and --only KEY cannot be combined: --on slurm submits a task per planned run, and each task runs lem run FILE --only KEY. Remedy: leave out --only."
    if args.Contains RunArgs.Keys then fail "--on slurm and --keys cannot be combined. Remedy: use lem run FILE --keys to list the keys, or lem status FILE to see their state."

/// Notes on what a job array does not do that lem run in one process would (stderr).
let private warnAboutOrder (st: StatementRuns) =
    let r = st.Request
    let oneAtATime = r.Slurm.MaxParallel = Some 1
    if not oneAtATime && (r.Gap > TimeSpan.Zero || r.CycleGap > TimeSpan.Zero) then
        eprintfn "note: run %s: its gap and cycle_gap are not kept between tasks that may run at once (on several nodes). Set slurm { max_parallel = 1 } in campaign %s to run its tasks one at a time, in order, with its pauses (docs/scale-out.md)." r.Target r.Target
    if not oneAtATime && st.Runs.Length > 1 && r.Kind = CampaignTarget then
        eprintfn "note: run %s: its tasks may run at once, so the campaign's order is the order they are queued in, not the order they run in (slurm { max_parallel = 1 } keeps it)." r.Target

/// The sbatch script of these runs of a statement.
let private scriptSpec (st: StatementRuns) (runs: PlannedRun list) (command: string) (flags: OneRunCommand.Flags) (comments: string list) : SbatchScript.ScriptSpec =
    let oneAtATime = st.Request.Slurm.MaxParallel = Some 1
    let pauses = SbatchScript.pauses oneAtATime st.Request.Gap st.Request.CycleGap (runs |> List.map (fun r -> r.Cycle))
    { JobName = "lem-" + st.Name
      Settings = st.Request.Slurm
      OutputPattern = Submissions.outputPattern st.ResultsRoot st.Name
      WorkingFolder = Environment.CurrentDirectory
      LemCommand = command
      ArgumentsFor = fun key -> OneRunCommand.arguments { flags with Key = key; ColdStart = st.Request.ColdStart }
      Tasks = List.map2 (fun (r: PlannedRun) pause -> { SbatchScript.Key = r.Key; SbatchScript.PauseBefore = pause }) runs pauses
      Comments = comments }

/// sbatch --parsable prints `JOBID` or `JOBID;CLUSTER`.
let private parseJobId (stdout: string) =
    match stdout.Trim().Split(';') with
    | [| job |] when job <> "" -> Some(job, None)
    | [| job; cluster |] when job <> "" -> Some(job, Some cluster)
    | _ -> None

/// Writes the script and its record, submits it, and records the job id (or sbatch's refusal, which fails lem).
let private submit (sbatch: string) (st: StatementRuns) (spec: SbatchScript.ScriptSpec) (script: string) =
    let now = DateTimeOffset.UtcNow
    let basePath = Submissions.newBase st.ResultsRoot st.Name now
    let sbatchPath, recordPath = basePath + ".sbatch", basePath + ".json"
    Directory.CreateDirectory(Path.GetDirectoryName spec.OutputPattern) |> ignore
    Lem.Engine.Results.Store.AtomicFile.WriteNew(sbatchPath, SbatchScript.render spec)
    let record: Submissions.Submission =
        { Name = st.Name; Script = Path.GetFullPath script; SbatchScript = sbatchPath; SubmittedUtc = now
          JobId = None; Cluster = None; Error = None; Keys = spec.Tasks |> List.map (fun t -> t.Key) }
    Submissions.write recordPath record
    let o = SlurmPrograms.run sbatch [ "--parsable"; sbatchPath ] (TimeSpan.FromSeconds 120.0)
    match o.ExitCode, parseJobId o.Stdout with
    | 0, Some(job, cluster) ->
        Submissions.write recordPath { record with JobId = Some job; Cluster = cluster }
        job, sbatchPath
    | _ ->
        let why = SlurmPrograms.firstLine o
        Submissions.write recordPath { record with Error = Some why }
        fail (sprintf "sbatch refused the job array of run %s: %s. Remedy: correct what sbatch names (the campaign's slurm { ... } settings: partition, account, time, extra; or SBATCH_* variables); the script is kept in %s." st.Request.Target why sbatchPath)

/// One statement: the runs to submit, then the script submitted (or printed, in a dry run).
let private submitStatement (options: ScriptHost.HostOptions) (dryRun: bool) (command: string) (flags: OneRunCommand.Flags) (sbatch: string option) (st: StatementRuns) =
    let view, facts = survey options st
    let submitting =
        if options.Fresh then st.Runs
        else List.zip st.Runs facts |> List.filter (fun (_, f) -> RunStates.needsSubmitting view f) |> List.map fst
    let left = st.Runs.Length - submitting.Length
    if submitting.IsEmpty then
        printfn "run %s: nothing to submit: its %d planned run(s) are complete, queued or running (lem status %s shows which)" st.Request.Target st.Runs.Length options.ScriptPath
    else
        warnAboutOrder st
        let comments =
            [ sprintf "written by lem %s on %s UTC for %s, run %s" (Lem.Engine.Measurement.EnvironmentInfo.CurrentToolVersion()) (DateTime.UtcNow.ToString "yyyy-MM-dd HH:mm:ss") (Path.GetFullPath options.ScriptPath) st.Request.Target
              sprintf "one task per planned run (%d of %d; the others are complete, queued or running): lem run FILE --only KEY" submitting.Length st.Runs.Length
              "into the shared results folder; lem status FILE shows their state, lem run FILE --on slurm resubmits what is left" ]
        let spec = scriptSpec st submitting command flags comments
        if dryRun then
            printfn "run %s: would submit %d task(s) (dry run, nothing submitted):" st.Request.Target submitting.Length
            printf "%s" (SbatchScript.render spec)
        else
            ScriptHost.prepareShared submitting
            let job, sbatchPath = submit sbatch.Value st spec options.ScriptPath
            let skipped = if left > 0 then sprintf "; %d complete, queued or running not submitted" left else ""
            printfn "run %s: submitted job %s, %d task(s) (array 0-%d)%s; script %s" st.Request.Target job submitting.Length (submitting.Length - 1) skipped sbatchPath

/// `lem run FILE --on slurm [--dry-run] [--lem-command CMD]`.
let submitCommand (args: ParseResults<RunArgs>) =
    refuseCombinations args
    let path = args.GetResult RunArgs.Script
    let results = args.TryGetResult RunArgs.Results
    let dryRun = args.Contains RunArgs.Dry_Run
    let settings =
        { Overrides = args.GetResults RunArgs.Override
          MaxRuns = ScriptCommands.maxRuns (args.TryGetResult RunArgs.Max_Runs)
          // the login node that submits often has no GPU: a GPU missing here is a warning, as for --dry-run
          Preflight = Some(PreflightHost.create path false results) }: Api.CheckSettings
    let program, hasErrors = ScriptCommands.check settings path
    if hasErrors then 1
    else
        let sbatch = if dryRun then None else Some(SlurmPrograms.find "sbatch" |> Option.defaultWith (fun () -> fail (SlurmPrograms.missingMessage "sbatch")))
        let options = hostOptions path results (args.Contains RunArgs.Fresh)
        // the key and cold start are each task's (scriptSpec)
        let flags: OneRunCommand.Flags =
            { Script = Path.GetFullPath path; Key = ""; Overrides = args.GetResults RunArgs.Override; Results = results |> Option.map Path.GetFullPath
              MaxRuns = args.TryGetResult RunArgs.Max_Runs; Fresh = options.Fresh; ColdStart = false }
        let command = lemCommand (args.TryGetResult RunArgs.Lem_Command)
        match statements options program with
        | [] -> fail (sprintf "%s plans no run (no run statement). Remedy: add `run NAME` for an experiment, sweep or campaign it defines." path)
        | all ->
            for st in all do submitStatement options dryRun command flags sbatch st
            if program.Actions |> List.exists (function AnalyzeAction _ | ShowAction _ -> true | _ -> false) then
                eprintfn "note: analyze and show statements are not run by --on slurm; when the tasks have finished, lem run %s runs them (completed runs are skipped)." path
            0

// ---------------------------------------------------------------------------------------------------------------
// lem status FILE

/// One statement's runs: their facts and rows, and the notes on what SLURM could not be asked, where they matter.
let private statementStates (options: ScriptHost.HostOptions) (st: StatementRuns) =
    let view, facts = survey options st
    let rows = facts |> List.map (RunStates.row view (Submissions.taskOutput st.ResultsRoot st.Name))
    // sacct would only tell how ended tasks ended
    let unclear = rows |> List.exists (fun r -> r.State = RunStates.Failed || r.State = RunStates.Submitted)
    List.zip facts rows, List.choose id [ view.SqueueNote; (if unclear then view.SacctNote else None) ]

/// "N done, M queued, ..." over the states that occur, in lem status's order.
let private countsOf (rows: RunStates.RunRow list) =
    RunStates.all |> List.choose (fun state ->
        match rows |> List.filter (fun r -> r.State = state) |> List.length with
        | 0 -> None
        | n -> Some(state, n))

let private printStatement (st: StatementRuns) (runs: (RunStates.RunFacts * RunStates.RunRow) list) =
    let rows = runs |> List.map snd
    let counts = countsOf rows |> List.map (fun (state, n) -> sprintf "%d %s" n (RunStates.word state)) |> String.concat ", "
    printfn "run %s (%s): %d planned run(s): %s" st.Request.Target st.ResultsRoot rows.Length counts
    let width = rows |> List.map (fun r -> r.Key.Length) |> List.max
    for r in rows do
        printfn "  %-13s  %-*s  %s" (RunStates.word r.State) width r.Key r.Detail

/// lem status --json: one object, for scripts that wait on a campaign.
let private writeJson (statements: (StatementRuns * (RunStates.RunFacts * RunStates.RunRow) list) list) (notes: string list) =
    use stdout = Console.OpenStandardOutput()
    use json = new System.Text.Json.Utf8JsonWriter(stdout, System.Text.Json.JsonWriterOptions(Indented = true))
    let textOrNull (name: string) (value: string option) =
        match value with
        | Some v -> json.WriteString(name, v)
        | None -> json.WriteNull name
    json.WriteStartObject()
    json.WriteStartArray "statements"
    for st, runs in statements do
        json.WriteStartObject()
        json.WriteString("run", st.Request.Target)
        json.WriteString("results_dir", st.ResultsRoot)
        json.WriteStartObject "counts"
        for state, n in countsOf (runs |> List.map snd) do json.WriteNumber(RunStates.jsonName state, n)
        json.WriteEndObject()
        json.WriteStartArray "runs"
        for facts, row in runs do
            json.WriteStartObject()
            json.WriteString("key", row.Key)
            json.WriteString("state", RunStates.jsonName row.State)
            textOrNull "run_id" facts.CompleteRunId
            textOrNull "slurm_task" (facts.LastTask |> Option.map (fun (job, index) -> sprintf "%s_%d" job index))
            json.WriteString("detail", row.Detail)
            json.WriteEndObject()
        json.WriteEndArray()
        json.WriteEndObject()
    json.WriteEndArray()
    json.WriteStartArray "notes"
    for n in notes do json.WriteStringValue n
    json.WriteEndArray()
    json.WriteEndObject()
    json.Flush()
    stdout.Write("\n"B, 0, 1)

/// `lem status [--set ...] [--results DIR] [--json] FILE`.
let statusCommand (args: ParseResults<StatusArgs>) =
    let path = args.GetResult StatusArgs.Script
    let settings =
        { Api.defaultSettings with Overrides = args.GetResults StatusArgs.Override; MaxRuns = ScriptCommands.maxRuns (args.TryGetResult StatusArgs.Max_Runs) }
    let program, hasErrors = ScriptCommands.check settings path
    if hasErrors then 1
    else
        let options = hostOptions path (args.TryGetResult StatusArgs.Results) false
        match statements options program with
        | [] -> fail (sprintf "%s plans no run (no run statement). Remedy: add `run NAME` for an experiment, sweep or campaign it defines." path)
        | all ->
            let states = all |> List.map (fun st -> st, statementStates options st)
            let notes = states |> List.collect (fun (_, (_, notes)) -> notes) |> List.distinct
            // nothing submitted was asked about; still say when SLURM is out of reach
            let notes =
                if notes.IsEmpty && (SlurmPrograms.find "squeue").IsNone then
                    [ "squeue is not on PATH: the states come from the manifest and the run folders only" ]
                else notes
            if args.Contains StatusArgs.Json then
                writeJson (states |> List.map (fun (st, (runs, _)) -> st, runs)) notes
            else
                for st, (runs, _) in states do printStatement st runs
                for n in notes do eprintfn "note: %s" n
            0
