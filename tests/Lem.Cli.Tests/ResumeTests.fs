/// lem run stopped and resumed end to end: Ctrl-C (SIGINT), SIGTERM and kill -9 at points lem itself marks (a file
/// or a line appears, then the signal goes: no sleep-guessing); the results folder's lock; --only with per-run claims;
/// temporary files removed on the way out and swept on the next start.
module Lem.Cli.Tests.ResumeTests

open System
open System.IO
open Expecto
open Lem.Cli.Tests.Lem
open Lem.Engine
open Lem.Engine.Running.Locking

let private keys = [ "a#cycle1"; "b#cycle1"; "a#cycle2"; "b#cycle2" ]

let private minutes (n: float) = TimeSpan.FromMinutes n

/// The keys of the complete runs in a results folder (from their raw records), sorted.
let private completeKeys (results: string) =
    runFolders results
    |> Array.filter isDone
    |> Array.map (fun f ->
        use doc = Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(f, "raw-worker0.json")))
        sprintf "%s#cycle%d" (doc.RootElement.GetProperty("experiment").GetString()) (doc.RootElement.GetProperty("cycle").GetInt32()))
    |> Array.sort
    |> List.ofArray

/// Each planned run complete exactly once: in the folder, in `lem results export --all` (superseded runs too) and in
/// `lem results list`; every other run folder is listed as interrupted.
let private expectEachOnce (dir: string) (planned: string list) =
    let results = Path.Combine(dir, "results")
    Expect.equal (completeKeys results) (List.sort planned) "each planned run complete exactly once"
    let export = run dir [ "results"; "export"; "--all"; "--format"; "csv" ]
    expectOk export
    Expect.equal (export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length) (planned.Length + 1) "export --all: a header and one row per planned run"
    let list = run dir [ "results"; "list" ]
    expectOk list
    // the table's rows (the problems under it begin with "ID:")
    let lines = list.Stdout.Split('\n') |> Array.filter (fun l -> Lem.Engine.Results.Store.RunIds.LooksLikeRunId(l.Split(' ')[0]))
    Expect.equal (lines |> Array.filter (fun l -> l.Contains " complete ")).Length planned.Length "results list: one complete line per planned run"
    Expect.all (lines |> Array.filter (fun l -> not (l.Contains " complete "))) (fun l -> l.Contains " interrupted ") "the others are interrupted"

let private skipped (o: Outcome) =
    o.Stderr.Split('\n') |> Array.filter (fun l -> l.Contains "done before") |> Array.length

/// The same campaign again without its gap (the planned runs are the same): it resumes, skipping the one completed run.
let private resumeWithoutGap (dir: string) =
    write dir "camp.lem" (tinyCampaign "") |> ignore
    let resumed = run dir [ "run"; "camp.lem" ]
    expectOk resumed
    Expect.equal (skipped resumed) 1 "the completed run is skipped, manifest entry or not"
    expectEachOnce dir keys

let tests =
    testSequenced <| testList "resume" [
        testCase "a second lem run on the folder is refused naming the holder; SIGTERM in a gap exits 143 with the line; the rerun resumes" <| fun () ->
            let dir = workDir "sigterm"
            let results = Path.Combine(dir, "results")
            write dir "camp.lem" (tinyCampaign "  gap = 10m\n") |> ignore
            let first = start dir [ "run"; "camp.lem" ]
            waitUntil "the first run's DONE and the gap" first (fun () -> first.StderrText.Contains "pause 600 s")

            let second = run dir [ "run"; "camp.lem" ]
            Expect.equal second.ExitCode 1 "the second lem run fails"
            Expect.stringContains second.Stderr $"results folder {results} is in use by another lem run: pid {first.Pid} on {Environment.MachineName} since " "names the holder"
            Expect.stringContains second.Stderr "(lem run camp.lem)" "and its command"
            Expect.stringContains second.Stderr "Remedy: " "says what to do"
            Expect.isFalse (second.Stderr.Contains "being used by another process") "no raw .NET sharing message"
            Expect.equal (errorLines second).Length 1 "one line"
            expectNoStackTrace second

            signal first SIGTERM
            let stopped = finish first (minutes 2.0)
            Expect.equal stopped.ExitCode 143 "128 + SIGTERM"
            Expect.stringContains stopped.Stderr "interrupted: 1 of 4 runs done; rerun the same command to resume" "the line"
            expectNoStackTrace stopped
            Expect.equal (completeKeys results) [ "a#cycle1" ] "the first run is kept"

            resumeWithoutGap dir

        testCase "Ctrl-C during a run marks it interrupted, exits 130 with the line, and the rerun runs it again and only it" <| fun () ->
            let dir = workDir "sigint"
            let results = Path.Combine(dir, "results")
            // `slow` waits for arrivals 1 s apart: lem is inside its measurement when the signal comes
            let script =
                tinyPair + "experiment slow extends a {\n  prompts = synthetic(count = 4, input_tokens = 8)\n  traffic.mode = constant\n  traffic.qps = 1\n}\n"
                + "campaign c {\n  experiments = [a, slow]\n}\nrun c\n"
            write dir "camp.lem" script |> ignore
            let first = start dir [ "run"; "camp.lem" ]
            waitUntil "the slow run's measurement" first (fun () -> first.StderrText.Contains "measuring 4 prompts, constant arrivals")
            signal first SIGINT
            let stopped = finish first (minutes 2.0)
            Expect.equal stopped.ExitCode 130 "128 + SIGINT"
            Expect.stringContains stopped.Stderr "interrupted: 1 of 2 runs done; rerun the same command to resume" "the line"
            expectNoStackTrace stopped
            let cut = runFolders results |> Array.filter (fun f -> f.EndsWith "-slow-c1") |> Array.exactlyOne
            Expect.isTrue (File.Exists(Path.Combine(cut, "INTERRUPTED"))) "the run in progress is marked interrupted"
            Expect.isFalse (isDone cut) "and not complete"
            let entry = Directory.GetFiles(Path.Combine(results, "manifests", "camp.c"), "slow_cycle1-*.json") |> Array.exactlyOne
            Expect.stringContains (File.ReadAllText entry) "\"status\": \"interrupted\"" "the manifest says so"

            let resumed = run dir [ "run"; "camp.lem" ]
            expectOk resumed
            Expect.equal (skipped resumed) 1 "the completed run is skipped"
            expectEachOnce dir [ "a#cycle1"; "slow#cycle1" ]

        testCase "Ctrl-C while a launched server serves the run: the runner's teardown stops the server and the run is interrupted, not failed" <| fun () ->
            let dir = workDir "server-sigint"
            let marker = Guid.NewGuid().ToString("N")
            // the repository's OpenAI-compatible test server, launched by lem as if it were llama-server (on the CPU),
            // serving the tiny model under the id "tiny-served"; the marker finds it among processes
            let server = Path.Combine(AppContext.BaseDirectory, "Lem.Backends.Server.TestServer.dll")
            let script =
                $"experiment served {{\n  backend = llama_server\n  model = \"tiny-served\"\n  server.command = [\"dotnet\", \"{server}\"]\n"
                + $"  server.extra_args = [\"--weights\", \"{tinyModel.Value}\", \"--framing\", \"llama_server\", \"--lem-test-marker\", \"{marker}\"]\n"
                + "  max_new_tokens = 2\n  prompts = synthetic(count = 4, input_tokens = 8)\n"
                + "  traffic.mode = constant\n  traffic.qps = 1\n  warmup.count = 0\n}\nrun served\n"
            write dir "served.lem" script |> ignore
            let serversRunning () =
                Directory.GetDirectories "/proc"
                |> Array.filter (fun d ->
                    try (Path.GetFileName d |> Seq.forall Char.IsDigit) && File.ReadAllText(Path.Combine(d, "cmdline")).Contains marker
                    with _ -> false)
            let lem = start dir [ "run"; "served.lem" ]
            waitUntil "the measurement" lem (fun () -> lem.StderrText.Contains "measuring 4 requests")
            Expect.equal (serversRunning ()).Length 1 "the launched server serves the run"
            signal lem SIGINT
            let stopped = finish lem (minutes 2.0)
            Expect.equal stopped.ExitCode 130 "128 + SIGINT"
            Expect.stringContains stopped.Stderr "interrupted: 0 of 1 runs done; rerun the same command to resume" "the line"
            Expect.isEmpty (serversRunning ()) "the server is stopped"
            let log = Directory.GetFiles(Path.Combine(cacheDir, "server-logs")) |> Array.map File.ReadAllText |> Array.find (fun t -> t.Contains marker)
            Expect.stringContains log "[lem] stopped by lem: SIGTERM to process group" "by the runner's teardown (its models disposed)"
            let cut = runFolders (Path.Combine(dir, "results")) |> Array.exactlyOne
            Expect.stringContains (File.ReadAllText(Path.Combine(cut, "INTERRUPTED"))) "lem was stopped" "the run is interrupted, not failed"

        testCase "kill -9 right after a run completes: the lock it left does not block and the rerun repeats no run" <| fun () ->
            let dir = workDir "kill9"
            let results = Path.Combine(dir, "results")
            write dir "camp.lem" (tinyCampaign "  gap = 10m\n") |> ignore
            let first = start dir [ "run"; "camp.lem" ]
            // at once: lem may be between the run's DONE and its manifest entry, the window of issue 16
            waitUntil "the first run's DONE" first (fun () -> runFolders results |> Array.exists isDone)
            signal first SIGKILL
            finish first (minutes 1.0) |> ignore
            let holder = FileLock.ReadHolder(RunLocks.ResultsLockPath results)
            Expect.equal (holder |> Option.ofObj |> Option.map (fun h -> h.Pid)) (Some first.Pid) "the dead process's lock file and holder are left behind"

            resumeWithoutGap dir

        testCase "--only runs one planned run under its claim; tasks in parallel run each once; unknown and claimed keys are errors" <| fun () ->
            let dir = workDir "only"
            let results = Path.Combine(dir, "results")
            write dir "camp.lem" (tinyCampaign "") |> ignore
            let listed = run dir [ "run"; "camp.lem"; "--keys" ]
            expectOk listed
            Expect.equal listed.Stdout (String.Join("\n", keys) + "\n") "--keys lists the keys, one per line in run order"
            let dry = run dir [ "run"; "camp.lem"; "--dry-run" ]
            expectOk dry
            Expect.equal (dry.Stdout.Split('\n') |> Array.filter (fun l -> l.StartsWith "  ") |> Array.map (fun l -> l.Trim().Split(' ')[0]) |> List.ofArray) keys "--dry-run shows each run's key first"

            let unknown = run dir [ "run"; "camp.lem"; "--only"; "b#cycle3" ]
            Expect.equal unknown.ExitCode 1 "an unknown key fails"
            Expect.stringContains unknown.Stderr "--only b#cycle3: camp.lem has no planned run with that key; did you mean 'b#cycle1', 'b#cycle2'" "close keys"
            Expect.stringContains unknown.Stderr "lem run camp.lem --keys" "where the keys are"
            Expect.equal (errorLines unknown).Length 1 "one line"
            expectNoStackTrace unknown

            let other = LockHolder(4242, "node17", DateTimeOffset.UtcNow, "lem run camp.lem --only a#cycle2")
            using (RunLocks.TryClaim(results, "a#cycle2", other)) (fun claim ->
                Expect.isNotNull claim "the test holds a#cycle2's claim"
                let busy = run dir [ "run"; "camp.lem"; "--only"; "a#cycle2" ]
                Expect.equal busy.ExitCode 1 "a claimed run is not run twice"
                Expect.stringContains busy.Stderr "a#cycle2 by pid 4242 on node17" "names the claim's holder"
                expectNoStackTrace busy
                Expect.isEmpty (runFolders results) "nothing ran")

            let tasks = keys |> List.map (fun key -> start dir [ "run"; "camp.lem"; "--only"; key ])
            for task in tasks do expectOk (finish task (minutes 3.0))
            expectEachOnce dir keys
            let entries = Directory.GetFiles(Path.Combine(results, "manifests", "camp.c"), "*.json")
            Expect.equal entries.Length 4 "one manifest entry per planned run"
            Expect.all entries (fun e -> File.ReadAllText(e).Contains "\"status\": \"done\"") "all done"
            let again = run dir [ "run"; "camp.lem" ]
            expectOk again
            Expect.equal (skipped again) 4 "a full run afterwards finds them all done"
            expectEachOnce dir keys

        testCase "temporaries of a stopped synthetic-model generation are removed; a killed process's are swept on the next start" <| fun () ->
            let dir = workDir "temporaries"
            let models = Path.Combine(cacheDir, "models")
            let generating () = Directory.GetDirectories(models, "gpt2-gpt2-seed0-*.tmp-*")
            write dir "big.lem" "experiment big {\n  model = synthetic(\"gpt2\")\n  device = \"cpu\"\n}\nrun big\n" |> ignore
            let lem = start dir [ "run"; "big.lem" ]
            waitUntil "the model's generation" lem (fun () -> generating().Length > 0)
            signal lem SIGINT
            waitUntil "the graceful stop" lem (fun () -> lem.StderrText.Contains "stopping after cleaning up")
            signal lem SIGINT // the generation cannot stop midway: a second Ctrl-C stops lem at once
            let stopped = finish lem (minutes 2.0)
            Expect.equal stopped.ExitCode 130 "128 + SIGINT"
            Expect.stringContains stopped.Stderr "interrupted: 0 of 1 runs done" "the line"
            Expect.isEmpty (generating ()) "the half-written model is removed"
            Expect.isFalse (Directory.Exists(Path.Combine(models, "gpt2-gpt2-seed0-v1"))) "and nothing looks complete"

            // what a kill -9 leaves: temporaries named by a process that has ended
            let dead =
                use p = Diagnostics.Process.Start(Diagnostics.ProcessStartInfo("true", UseShellExecute = false))
                p.WaitForExit()
                p.Id
            let tag = TemporaryFiles.HostTag
            let deadModel = Directory.CreateDirectory(Path.Combine(models, $"llama-small-seed7-v1.tmp-{dead}-{tag}-0a1b2c3d")).FullName
            File.WriteAllText(Path.Combine(deadModel, "model.safetensors"), "half")
            let results = Directory.CreateDirectory(Path.Combine(dir, "results")).FullName
            let deadExport = Path.Combine(results, $".runs.csv.tmp-{dead}-{tag}-0a1b2c3d")
            let liveExport = Path.Combine(results, $".runs.csv.tmp-{Environment.ProcessId}-{tag}-0a1b2c3d")
            for f in [ deadExport; liveExport ] do File.WriteAllText(f, "half")
            write dir "camp.lem" (tinyCampaign "") |> ignore
            expectOk (run dir [ "run"; "camp.lem"; "--only"; "a#cycle1" ])
            Expect.isFalse (Directory.Exists deadModel) "the cache is swept at start"
            Expect.isFalse (File.Exists deadExport) "the results folder is swept at start"
            Expect.isTrue (File.Exists liveExport) "a live process's temporary stays"
    ]
