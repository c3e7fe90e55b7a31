/// lem run: a completed run on disk, resume via the manifest, --fresh, and a campaign that resumes after an interruption.
module Lem.Cli.Tests.RunTests

open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem

let private sources = set [ "measured-counter"; "measured-samples"; "estimated"; "unavailable" ]

let private json (file: string) =
    use doc = JsonDocument.Parse(File.ReadAllText file)
    doc.RootElement.Clone()

let private expectCompletedRun (runFolder: string) =
    Expect.isTrue (isDone runFolder) $"DONE marker in {runFolder}"
    let raw = json (Path.Combine(runFolder, "raw-worker0.json"))
    Expect.equal (raw.GetProperty("schema_version").GetInt32()) Lem.Engine.Results.Schema.SchemaVersions.Current "schema_version"
    let config = raw.GetProperty "config"
    let maxNew = config.GetProperty "max_new_tokens"
    Expect.equal (maxNew.GetProperty("value").GetInt32()) 4 "config value"
    Expect.isTrue (maxNew.GetProperty("from").GetString().EndsWith "run.lem:4") "config provenance FILE:LINE"
    Expect.equal (config.GetProperty("decoder.preset").GetProperty("from").GetString()) "default" "default provenance"
    let aggregated = json (Path.Combine(runFolder, "aggregated.json"))
    let energy = aggregated.GetProperty("energy").EnumerateArray() |> List.ofSeq
    Expect.isNonEmpty energy "energy figures"
    for figure in energy do
        let part = figure.GetProperty("component").GetString()
        let source = figure.GetProperty("source").GetString()
        Expect.isTrue (sources.Contains source) $"{part}: source {source} is one of {sources}"
        match figure.GetProperty("energy_j").ValueKind with
        | JsonValueKind.Number ->
            Expect.notEqual source "unavailable" $"{part}: an unavailable figure has no value"
            Expect.isGreaterThan (figure.GetProperty("energy_j").GetDouble()) 0.0 $"{part}: a figure is never a silent 0"
        | _ -> Expect.equal source "unavailable" $"{part}: a missing value is unavailable"
    let byComponent = energy |> List.map (fun f -> f.GetProperty("component").GetString(), f.GetProperty("source").GetString()) |> Map.ofList
    Expect.isTrue (byComponent.ContainsKey "cpu" && byComponent.ContainsKey "ram") "cpu and ram figures"
    if not hasRapl then
        Expect.equal byComponent["cpu"] "estimated" "no RAPL here: CPU is estimated"
        Expect.equal byComponent["ram"] "estimated" "no RAPL here: RAM is estimated"

let private skippedCount (o: Outcome) =
    o.Stderr.Split('\n') |> Array.filter (fun l -> l.Contains "skipped") |> Array.length

let private campaign = tinyCampaign ""

/// Runs the tiny experiment with parallel.mode = MODE over ["cpu", "cpu"]: one worker, one raw record, both prompts
/// run once; returns the record's backend facts.
let private runSplitOverTwoCpus (mode: string) (logged: string) =
    let dir = workDir mode
    let extra = $"parallel.mode = {mode}\n  parallel.devices = [\"cpu\", \"cpu\"]"
    write dir "run.lem" (tinyExperiment "t" extra + "run t\n") |> ignore
    let o = run dir [ "run"; "run.lem" ]
    expectOk o
    Expect.stringContains o.Stderr logged "the split is logged"
    let folders = runFolders (Path.Combine(dir, "results"))
    Expect.equal folders.Length 1 "one run folder"
    expectCompletedRun folders[0]
    Expect.isFalse (File.Exists(Path.Combine(folders[0], "raw-worker1.json"))) "one worker, one raw record"
    let raw = json (Path.Combine(folders[0], "raw-worker0.json"))
    Expect.equal (raw.GetProperty("worker_count").GetInt32()) 1 "one worker"
    Expect.equal (raw.GetProperty("tokens").GetProperty("output_tokens").GetInt32()) 8 "both prompts ran once, 4 tokens each"
    raw.GetProperty("environment").GetProperty("backend").Clone()

let tests =
    testSequenced <| testList "run" [
        testCase "run, run again (skipped), --fresh (new id, first run unchanged)" <| fun () ->
            let dir = workDir "run"
            write dir "run.lem" (tinyExperiment "t" "" + "run t\n") |> ignore
            let first = run dir [ "run"; "run.lem" ]
            expectOk first
            let results = Path.Combine(dir, "results")
            let folders = runFolders results
            Expect.equal folders.Length 1 "one run folder"
            expectCompletedRun folders[0]
            Expect.stringContains first.Stdout (Path.GetFileName folders[0]) "the run id is printed"
            Expect.stringContains first.Stdout "energy cpu: " "energy printed by component"
            Expect.stringContains first.Stdout "[estimated" "energy printed with its source"
            let before = snapshot folders[0]

            let again = run dir [ "run"; "run.lem" ]
            expectOk again
            Expect.equal (runFolders results).Length 1 "nothing ran again"
            Expect.equal (skippedCount again) 1 "the completed run is skipped"

            let fresh = run dir [ "run"; "--fresh"; "run.lem" ]
            expectOk fresh
            let after = runFolders results
            Expect.equal after.Length 2 "--fresh ran it again"
            Expect.contains after folders[0] "the first run is still there"
            let second = after |> Array.find (fun f -> f <> folders[0])
            expectCompletedRun second
            Expect.equal (snapshot folders[0]) before "the first run's files are unchanged"

        testCase "a pipeline over two cpu stages runs end to end as one worker with one record" <| fun () ->
            let backend = runSplitOverTwoCpus "pipeline" "layers split as cpu:0-0,cpu:1-1"
            Expect.equal (backend.GetProperty("torchsharp_pipeline_split").GetString()) "cpu:0-0,cpu:1-1" "the split is recorded"

        testCase "a tensor split over two cpu ranks runs end to end as one worker whose record names the split" <| fun () ->
            let backend = runSplitOverTwoCpus "tensor" "every layer split as cpu:heads 0-1 kv 0-0,cpu:heads 2-3 kv 1-1"
            Expect.equal (backend.GetProperty("torchsharp_tensor_split").GetString()) "cpu:heads 0-1 kv 0-0,cpu:heads 2-3 kv 1-1" "the split is recorded"
            Expect.stringContains (backend.GetProperty("torchsharp_tensor_reduce").GetString()) "in-process" "the sum is recorded"

        testCase "run --dry-run runs nothing" <| fun () ->
            let dir = workDir "dry"
            write dir "run.lem" (tinyExperiment "t" "" + "run t\n") |> ignore
            let o = run dir [ "run"; "--dry-run"; "run.lem" ]
            expectOk o
            Expect.stringContains o.Stdout "dry run" "says so"
            Expect.isEmpty (runFolders (Path.Combine(dir, "results"))) "no run folder"

        testCase "run --dry-run of a script with an analysis runs and analyses nothing" <| fun () ->
            let dir = workDir "dry-analyze"
            write dir "run.lem" (tinyExperiment "t" "" + "run t\nanalyze t {\n  table energy_per_output_token_j\n}\n") |> ignore
            let o = run dir [ "run"; "--dry-run"; "run.lem" ]
            expectOk o
            Expect.stringContains o.Stdout "analyze t: skipped (dry run)" "says so"
            Expect.isEmpty (runFolders (Path.Combine(dir, "results"))) "no run folder"

        testCase "run --results DIR writes there" <| fun () ->
            let dir = workDir "results-override"
            write dir "run.lem" (tinyExperiment "t" "" + "run t\n") |> ignore
            expectOk (run dir [ "run"; "--results"; "elsewhere"; "run.lem" ])
            Expect.isEmpty (runFolders (Path.Combine(dir, "results"))) "not in ./results"
            let folders = runFolders (Path.Combine(dir, "elsewhere"))
            Expect.equal folders.Length 1 "in the given folder"
            Expect.isTrue (isDone folders[0]) "complete"

        testCase "an interrupted campaign resumes without repeating completed runs" <| fun () ->
            let dir = workDir "campaign"
            write dir "camp.lem" campaign |> ignore
            expectOk (run dir [ "run"; "camp.lem" ])
            let results = Path.Combine(dir, "results")
            let folders = runFolders results
            Expect.equal folders.Length 4 "2 experiments x 2 cycles"
            Expect.all folders isDone "all complete"
            // interrupted: the last run of cycle 2 lost its DONE marker (as when killed before the marker is written)
            let interrupted = folders |> Array.find (fun f -> f.EndsWith "-b-c2")
            File.Delete(Path.Combine(interrupted, "DONE"))
            let completed = folders |> Array.filter (fun f -> f <> interrupted)
            let before = completed |> Array.map snapshot
            let resumed = run dir [ "run"; "camp.lem" ]
            expectOk resumed
            Expect.equal (skippedCount resumed) 3 "the three completed runs are skipped"
            let after = runFolders results
            Expect.equal after.Length 5 "one new run"
            let rerun = after |> Array.except folders |> Array.exactlyOne
            Expect.isTrue (rerun.EndsWith "-b-c2") "the interrupted run is the one that ran again"
            Expect.isTrue (isDone rerun) "and it completed"
            Expect.isTrue (Directory.Exists interrupted) "the interrupted folder is kept"
            Expect.equal (completed |> Array.map snapshot) before "completed runs unchanged"
            let again = run dir [ "run"; "camp.lem" ]
            expectOk again
            Expect.equal (skippedCount again) 4 "everything is done now"
    ]
