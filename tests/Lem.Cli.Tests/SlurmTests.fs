/// `lem run FILE --on slurm` and `lem status FILE`: the sbatch script, the record of what was submitted, resubmission
/// and the states of runs, first against a fake sbatch and squeue (every machine), then on a real single-node SLURM
/// (scripts/slurm-single-node.sh; build.fsx starts it before the tests, and the test says why it skips without it).
module Lem.Cli.Tests.SlurmTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem
open Lem.Engine.Running
open Lem.Cli.Slurm

/// tinyPair in campaign c of two cycles (a#cycle1, b#cycle1, a#cycle2, b#cycle2) with this slurm block.
let private campaign (slurm: string) (settings: string) =
    tinyPair + $"campaign c {{\n  experiments = [a, b]\n  cycles = 2\n{settings}  slurm {{\n{slurm}  }}\n}}\nrun c\n"

/// A folder of fake SLURM programs (shell builtins only, so that PATH can be this folder alone): sbatch records its
/// arguments and prints the job id in FAKE/next-job (or fails when FAKE/sbatch-fails exists); squeue prints FAKE/squeue-out.
let private fakeSlurm (dir: string) =
    let bin = Path.Combine(dir, "fake-bin")
    Directory.CreateDirectory bin |> ignore
    let script (name: string) (body: string) =
        let path = write bin name ("#!/bin/sh\n" + body)
        File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute)
    script "sbatch" "printf '%s\\n' \"$@\" >> \"$FAKE_SLURM/sbatch-calls\"\nif [ -e \"$FAKE_SLURM/sbatch-fails\" ]; then echo 'sbatch: error: invalid partition specified: nope' >&2; exit 1; fi\nread n < \"$FAKE_SLURM/next-job\"\necho \"$n;fakecluster\"\n"
    script "squeue" "printf '%s\\n' \"$@\" >> \"$FAKE_SLURM/squeue-calls\"\nwhile IFS= read -r line; do printf '%s\\n' \"$line\"; done < \"$FAKE_SLURM/squeue-out\"\n"
    write dir "next-job" "4242\n" |> ignore
    write dir "squeue-out" "" |> ignore
    [ "PATH", bin; "FAKE_SLURM", dir ]

let private slurmFolder (dir: string) = Path.Combine(dir, "results", "slurm")

/// The submission records (RESULTS/slurm/*.json) in the order they were written, as JSON.
let private records (dir: string) =
    Directory.GetFiles(slurmFolder dir, "*.json") |> Array.sort |> Array.map (fun f -> JsonDocument.Parse(File.ReadAllText f).RootElement)

let private keysOf (record: JsonElement) =
    [ for t in record.GetProperty("tasks").EnumerateArray() -> t.GetProperty("key").GetString() ]

let private text (record: JsonElement) (name: string) =
    match record.GetProperty(name).ValueKind with
    | JsonValueKind.Null -> null
    | _ -> record.GetProperty(name).GetString()

/// The sbatch scripts (RESULTS/slurm/*.sbatch) in the order they were written.
let private scripts (dir: string) = Directory.GetFiles(slurmFolder dir, "*.sbatch") |> Array.sort |> Array.map File.ReadAllText

/// lem status's line for KEY: its state word and detail.
let private statusLine (o: Outcome) (key: string) =
    o.Stdout.Split('\n') |> Array.tryFind (fun l -> l.Contains(" " + key + " ")) |> Option.defaultWith (fun () -> failwithf "no line for %s in:\n%s" key o.Stdout)

let private fakeTests =
    testList "fake sbatch" [
        testCase "--on slurm writes one job array of every planned run, keeps it beside the results and submits it" <| fun () ->
            let dir = workDir "slurm-submit"
            write dir "camp.lem" (campaign "    partition = \"debug\"\n    time = 5m\n    max_parallel = 1\n    extra = [\"--qos=normal\"]\n" "  gap = 1s\n  cycle_gap = 2s\n") |> ignore
            let env = fakeSlurm dir
            let o = runEnv dir env [ "run"; "camp.lem"; "--on"; "slurm"; "--lem-command"; "/opt/lem/lem"; "--set"; "max_new_tokens=2" ]
            expectOk o
            Expect.stringContains o.Stdout "run c: submitted job 4242, 4 task(s) (array 0-3)" o.All
            let script = Array.exactlyOne (scripts dir)
            for line in [ "#SBATCH --job-name=lem-camp.c"; "#SBATCH --array=0-3%1"; "#SBATCH --partition=debug"; "#SBATCH --time=0-00:05:00"; "#SBATCH --qos=normal"
                          $"#SBATCH --chdir={dir}"; sprintf "#SBATCH --output=%s" (Path.Combine(slurmFolder dir, "logs", "camp.c-%A_%a.out"))
                          // pauses: none first; gap within a cycle, cycle_gap where the cycle changes
                          "pauses_s=(0 1 2 1)"
                          sprintf "exec /opt/lem/lem run %s --only \"$key\" --set max_new_tokens=2" (Path.Combine(dir, "camp.lem")) ] do
                Expect.stringContains script line "the script"
            let record = Array.exactlyOne (records dir)
            Expect.equal (text record "job_id") "4242" "job id"
            Expect.equal (text record "cluster") "fakecluster" "cluster"
            Expect.equal (keysOf record) [ "a#cycle1"; "b#cycle1"; "a#cycle2"; "b#cycle2" ] "task i runs key i, in the campaign's order"
            let calls = File.ReadAllLines(Path.Combine(dir, "sbatch-calls"))
            Expect.equal calls [| "--parsable"; text record "sbatch_script" |] "sbatch --parsable SCRIPT"
            Expect.isTrue (Directory.Exists(Path.Combine(slurmFolder dir, "logs"))) "the log folder exists before sbatch (SLURM does not create it)"

        testCase "resubmitting submits only the runs neither complete nor queued or running; lem status tells each state" <| fun () ->
            let dir = workDir "slurm-resubmit"
            write dir "camp.lem" (campaign "    max_parallel = 2\n" "") |> ignore
            let env = fakeSlurm dir
            expectOk (runEnv dir env [ "run"; "camp.lem"; "--on"; "slurm" ])
            // a#cycle1 is complete (run here), b#cycle1 is queued, task 2 is running, task 3 has ended and left nothing
            expectOk (run dir [ "run"; "camp.lem"; "--only"; "a#cycle1" ])
            write dir "squeue-out" "4242|1|PENDING||JobArrayTaskLimit\n4242|2|RUNNING|node7|None\n4242|3|FAILED|node7|NonZeroExitCode\n" |> ignore
            write dir "next-job" "4250\n" |> ignore
            let again = runEnv dir env [ "run"; "camp.lem"; "--on"; "slurm" ]
            expectOk again
            Expect.stringContains again.Stdout "run c: submitted job 4250, 1 task(s) (array 0-0); 3 complete, queued or running not submitted" again.All
            Expect.equal (records dir |> Array.map keysOf |> Array.last) [ "b#cycle2" ] "only the run that ended without a result"
            Expect.stringContains (File.ReadAllText(Path.Combine(dir, "squeue-calls"))) "--jobs=4242" "squeue asked about lem's job"
            write dir "squeue-out" "4242|1|PENDING||JobArrayTaskLimit\n4242|2|RUNNING|node7|None\n4250|0|PENDING||Priority\n" |> ignore
            let status = runEnv dir env [ "status"; "camp.lem" ]
            expectOk status
            Expect.stringContains status.Stdout "4 planned run(s): 1 done, 1 running, 2 queued" status.All
            Expect.stringStarts ((statusLine status "a#cycle1").Trim()) "done" status.Stdout
            Expect.stringContains (statusLine status "b#cycle1") "queued" status.Stdout
            Expect.stringContains (statusLine status "b#cycle1") "task 4242_1 (PENDING: JobArrayTaskLimit)" status.Stdout
            Expect.stringContains (statusLine status "a#cycle2") "running" status.Stdout
            Expect.stringContains (statusLine status "a#cycle2") "task 4242_2 on node7" status.Stdout
            Expect.stringContains (statusLine status "b#cycle2") "task 4250_0 (PENDING: Priority)" status.Stdout
            // the same states as one JSON object, for scripts that wait on a campaign
            let asJson = runEnv dir env [ "status"; "camp.lem"; "--json" ]
            expectOk asJson
            let statement = JsonDocument.Parse(asJson.Stdout).RootElement.GetProperty("statements").EnumerateArray() |> Seq.exactlyOne
            Expect.equal (statement.GetProperty("run").GetString()) "c" asJson.Stdout
            let counts = statement.GetProperty("counts")
            Expect.equal [ for p in counts.EnumerateObject() -> p.Name, p.Value.GetInt32() ] [ "done", 1; "running", 1; "queued", 2 ] asJson.Stdout
            let runs = [ for r in statement.GetProperty("runs").EnumerateArray() -> r.GetProperty("key").GetString(), r ]
            let field (key: string) (name: string) = text (runs |> List.find (fun (k, _) -> k = key) |> snd) name
            Expect.equal (field "a#cycle1" "state") "done" asJson.Stdout
            Expect.isNotNull (field "a#cycle1" "run_id") "the complete run's id"
            Expect.equal (field "b#cycle1" "state", field "b#cycle1" "slurm_task") ("queued", "4242_1") asJson.Stdout
            Expect.equal (field "b#cycle2" "slurm_task", field "b#cycle2" "run_id") ("4250_0", null) asJson.Stdout
            Expect.equal (field "a#cycle2" "detail") "task 4242_2 on node7" asJson.Stdout
            // everything complete, queued or running: nothing is submitted
            let nothing = runEnv dir env [ "run"; "camp.lem"; "--on"; "slurm" ]
            expectOk nothing
            Expect.stringContains nothing.Stdout "run c: nothing to submit" nothing.All
            Expect.equal (records dir).Length 2 "no third submission"
            // task 4242_2 ended without a result: failed, with where its output is
            write dir "squeue-out" "4242|1|PENDING||JobArrayTaskLimit\n4242|2|TIMEOUT|node7|None\n4250|0|PENDING||Priority\n" |> ignore
            let failed = runEnv dir env [ "status"; "camp.lem" ]
            Expect.stringContains (statusLine failed "a#cycle2") "failed" failed.Stdout
            Expect.stringContains (statusLine failed "a#cycle2") (sprintf "task 4242_2 ended TIMEOUT: it left no complete result (its output: %s)" (Path.Combine(slurmFolder dir, "logs", "camp.c-4242_2.out"))) failed.Stdout

        testCase "the rendered script runs lem run FILE --only KEY for its task's key, quoted as the shell reads it" <| fun () ->
            let dir = workDir "slurm-script"
            let lem = tinyPair + "sweep s from a { batching.batch_size = [1, 2] }\nrun s\n"
            write dir "sweep.lem" lem |> ignore
            let o = runEnv dir (fakeSlurm dir) [ "run"; "sweep.lem"; "--on"; "slurm"; "--lem-command"; "printf '<%s>\\n'"; "--set"; "decoder.seed=7" ]
            expectOk o
            let script = (Array.exactlyOne (records dir) |> fun r -> text r "sbatch_script")
            let info = ProcessStartInfo("bash", WorkingDirectory = dir, RedirectStandardOutput = true, UseShellExecute = false)
            info.ArgumentList.Add script
            info.Environment["SLURM_ARRAY_TASK_ID"] <- "1"
            use p = Process.Start info
            let printed = p.StandardOutput.ReadToEnd()
            p.WaitForExit()
            Expect.equal p.ExitCode 0 "the script ran"
            Expect.equal printed (sprintf "<run>\n<%s>\n<--only>\n<s[batching.batch_size=2]#cycle1>\n<--set>\n<decoder.seed=7>\n" (Path.Combine(dir, "sweep.lem"))) "task 1's command line"

        testCase "sbatch's refusal, sbatch missing and combinations lem cannot honour are one line each with the remedy" <| fun () ->
            let dir = workDir "slurm-errors"
            write dir "camp.lem" (campaign "    partition = \"nope\"\n" "") |> ignore
            let env = fakeSlurm dir
            write dir "sbatch-fails" "" |> ignore
            let refused = runEnv dir env [ "run"; "camp.lem"; "--on"; "slurm" ]
            Expect.equal refused.ExitCode 1 refused.All
            Expect.equal (errorLines refused) [ sprintf "lem: error: sbatch refused the job array of run c: sbatch: error: invalid partition specified: nope. Remedy: correct what sbatch names (the campaign's slurm { ... } settings: partition, account, time, extra; or SBATCH_* variables); the script is kept in %s." (Directory.GetFiles(slurmFolder dir, "*.sbatch") |> Array.exactlyOne) ] refused.All
            Expect.equal (text (Array.exactlyOne (records dir)) "error") "sbatch: error: invalid partition specified: nope" "recorded"
            let empty = Path.Combine(dir, "empty-bin")
            Directory.CreateDirectory empty |> ignore
            let missing = runEnv dir [ "PATH", empty ] [ "run"; "camp.lem"; "--on"; "slurm" ]
            Expect.equal missing.ExitCode 1 missing.All
            Expect.equal (errorLines missing) [ "lem: error: sbatch is not on PATH, so lem cannot reach SLURM from here. Remedy: run this on a login node of the cluster (or load its module: module load slurm), or run the campaign on this machine without --on slurm." ] missing.All
            let only = runEnv dir env [ "run"; "camp.lem"; "--on"; "slurm"; "--only"; "a#cycle1" ]
            Expect.equal only.ExitCode 1 only.All
            Expect.stringContains only.Stderr "--on slurm and --only KEY cannot be combined" only.All
            let command = run dir [ "run"; "camp.lem"; "--lem-command"; "/opt/lem" ]
            Expect.equal command.ExitCode 1 command.All
            Expect.stringContains command.Stderr "it goes with --on slurm" command.All
            let badScheduler = run dir [ "run"; "camp.lem"; "--on"; "pbs" ]
            Expect.equal badScheduler.ExitCode 2 badScheduler.All
            for o in [ refused; missing; only; command ] do expectNoStackTrace o

        testCase "lem status without SLURM shows what the run folders and the manifest say, and that squeue is absent" <| fun () ->
            let dir = workDir "slurm-status-alone"
            write dir "camp.lem" (campaign "" "") |> ignore
            expectOk (run dir [ "run"; "camp.lem"; "--only"; "b#cycle1" ])
            let empty = Path.Combine(dir, "empty-bin")
            Directory.CreateDirectory empty |> ignore
            let status = runEnv dir [ "PATH", empty ] [ "status"; "camp.lem" ]
            expectOk status
            Expect.stringContains status.Stdout "4 planned run(s): 1 done, 3 not submitted" status.All
            Expect.stringStarts ((statusLine status "b#cycle1").Trim()) "done" status.Stdout
            Expect.stringStarts ((statusLine status "a#cycle2").Trim()) "not submitted" status.Stdout
            Expect.stringContains status.Stderr "note: squeue is not on PATH: the states come from the manifest and the run folders only" status.All
            let asJson = runEnv dir [ "PATH", empty ] [ "status"; "camp.lem"; "--json" ]
            expectOk asJson
            let notes = JsonDocument.Parse(asJson.Stdout).RootElement.GetProperty("notes")
            Expect.equal [ for n in notes.EnumerateArray() -> n.GetString() ] [ "squeue is not on PATH: the states come from the manifest and the run folders only" ] asJson.All
            Expect.equal asJson.Stderr "" "with --json the notes are in the object only"
            let statement = JsonDocument.Parse(asJson.Stdout).RootElement.GetProperty("statements").EnumerateArray() |> Seq.exactlyOne
            Expect.equal [ for p in statement.GetProperty("counts").EnumerateObject() -> p.Name, p.Value.GetInt32() ] [ "done", 1; "not_submitted", 3 ] asJson.Stdout
            let states = [ for r in statement.GetProperty("runs").EnumerateArray() -> r.GetProperty("state").GetString() ]
            Expect.contains states "not_submitted" "JSON state names have no spaces"
    ]

/// The readers of squeue's and sacct's outputs and the states they lead to, on their real formats.
let private parsingTests =
    testList "parsing" [
        testCase "squeue --array --format=%F|%K|%T|%N|%r and sacct --parsable2 lines become tasks; whole jobs and unsplit ranges are left out" <| fun () ->
            let squeue = Lem.Cli.Slurm.QueueStates.parseSqueue "14|1|PENDING||JobArrayTaskLimit\n14|0|RUNNING|vm|None\n15|N/A|RUNNING|vm|None\n"
            Expect.equal (squeue |> List.map (fun t -> t.JobId, t.Index, t.State, t.Node, t.Detail))
                [ "14", 1, "PENDING", "", "JobArrayTaskLimit"; "14", 0, "RUNNING", "vm", "None" ] "squeue"
            let sacct = Lem.Cli.Slurm.QueueStates.parseSacct "81234_7|OUT_OF_MEMORY|0:125|gpu017\n81234_8|CANCELLED by 1000|0:15|gpu018\n81234_[9-12%2]|PENDING|0:0|None assigned\n81235|COMPLETED|0:0|gpu001\n"
            Expect.equal (sacct |> List.map (fun t -> t.JobId, t.Index, t.State, t.Detail))
                [ "81234", 7, "OUT_OF_MEMORY", "0:125"; "81234", 8, "CANCELLED", "0:15" ] "sacct: the state's first word"
        testCase "a run's state: its complete folder first, then SLURM's view of its last task, then the manifest" <| fun () ->
            let task job index state : QueueStates.TaskState = { JobId = job; Index = index; State = state; Node = "n1"; Detail = "None" }
            let view =
                { QueueStates.empty with
                    Tasks = Map.ofList [ ("9", 0), task "9" 0 "RUNNING"; ("9", 1), task "9" 1 "TIMEOUT" ]
                    QueueKnown = true }
            let facts key runId manifest lastTask : RunStates.RunFacts = { Key = key; CompleteRunId = runId; Manifest = manifest; LastTask = lastTask }
            let failedEntry = ManifestEntry("k", "k", 1, "h", ManifestStatus.Failed, Error = "the run failed: out of memory")
            let row f = RunStates.row view (fun (j, i) -> $"log-{j}-{i}") f
            Expect.equal (row (facts "k" (Some "r1") None (Some("9", 1)))).State RunStates.Done "a complete folder wins over a task that timed out"
            Expect.equal (row (facts "k" None None (Some("9", 0)))).Detail "task 9_0 on n1" "running"
            Expect.equal (row (facts "k" None (Some failedEntry) (Some("9", 1)))).Detail "task 9_1 ended TIMEOUT: the run failed: out of memory" "the manifest's error"
            Expect.equal (row (facts "k" None None (Some("9", 2)))).Detail "task 9_2 is no longer queued: it left no complete result (its output: log-9-2)" "forgotten by squeue"
            Expect.equal (RunStates.row QueueStates.empty (fun _ -> "") (facts "k" None None (Some("9", 2)))).State RunStates.Submitted "squeue cannot be asked"
            Expect.equal (row (facts "k" None None None)).State RunStates.NotSubmitted "never submitted"
            Expect.isFalse (RunStates.needsSubmitting view (facts "k" None None (Some("9", 0)))) "running: not again"
            Expect.isTrue (RunStates.needsSubmitting view (facts "k" None None (Some("9", 1)))) "timed out: again"
        testCase "sbatch's time format and the pauses of tasks one at a time" <| fun () ->
            Expect.equal (Lem.Cli.Slurm.SbatchScript.timeText (TimeSpan.FromHours 30.5)) "1-06:30:00" "days"
            Expect.equal (Lem.Cli.Slurm.SbatchScript.timeText (TimeSpan.FromMilliseconds 1500.0)) "0-00:00:02" "seconds rounded up"
            let gap, cycleGap = TimeSpan.FromSeconds 5.0, TimeSpan.FromSeconds 60.0
            Expect.equal (Lem.Cli.Slurm.SbatchScript.pauses true gap cycleGap [ 1; 1; 2; 2 ]) [ TimeSpan.Zero; gap; cycleGap; gap ] "one at a time"
            Expect.equal (Lem.Cli.Slurm.SbatchScript.pauses false gap cycleGap [ 1; 1; 2 ]) [ TimeSpan.Zero; TimeSpan.Zero; TimeSpan.Zero ] "in parallel: none"
    ]

// ---------------------------------------------------------------------------------------------------------------
// A real SLURM

/// Why the real-SLURM test cannot run here, or None: sbatch, squeue and scancel on PATH and a controller whose node
/// takes jobs (scripts/slurm-single-node.sh check, the same check build.fsx's set-up step makes).
let private slurmMissing =
    lazy
        (let onPath name = Lem.Cli.Slurm.SlurmPrograms.find name |> Option.isSome
         if not (onPath "sbatch" && onPath "squeue" && onPath "scancel") then
             Some "sbatch, squeue or scancel is not on PATH (dotnet fsi build.fsx setup starts a single-node SLURM as root: scripts/slurm-single-node.sh)"
         else
             let check = Lem.Cli.Slurm.SlurmPrograms.run "/bin/sh" [ Path.Combine(repoRoot, "scripts", "slurm-single-node.sh"); "check" ] (TimeSpan.FromSeconds 60.0)
             if check.ExitCode <> 0 then Some "no SLURM controller with a node that takes jobs here (scripts/slurm-single-node.sh check fails; sh scripts/slurm-single-node.sh start, as root, starts one)"
             else None)

let private slurm (program: string) (args: string list) =
    let path = Lem.Cli.Slurm.SlurmPrograms.find program |> Option.get
    let o = Lem.Cli.Slurm.SlurmPrograms.run path args (TimeSpan.FromSeconds 60.0)
    if o.ExitCode <> 0 then failwithf "%s %s failed: %s" program (String.Join(" ", args)) o.Stderr
    o.Stdout

/// The tasks of JOB that squeue lists as pending or running.
let private activeTasks (job: string) =
    slurm "squeue" [ "--array"; "--noheader"; $"--jobs={job}"; "--states=PENDING,RUNNING,CONFIGURING,COMPLETING"; "--format=%K|%T" ]
    |> fun out -> out.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    |> Array.map (fun l -> let p = l.Split '|' in int p[0], p[1])
    |> List.ofArray

/// Polls until JOB has no pending or running task: a deadlock guard of 5 minutes, not a timing guess; no assertion on time.
let private waitForJob (job: string) =
    let deadline = DateTime.UtcNow.AddMinutes 5.0
    while not (activeTasks job).IsEmpty do
        if DateTime.UtcNow > deadline then failwithf "job %s still has tasks after 5 minutes: %A" job (activeTasks job)
        Threading.Thread.Sleep 250

let private jobOf (o: Outcome) =
    let m = Text.RegularExpressions.Regex.Match(o.Stdout, @"submitted job (\d+),")
    if not m.Success then failwithf "no job id in:\n%s" o.All
    m.Groups[1].Value

/// The manifest agrees with the run folders: one done entry per planned run, naming a complete folder that holds it.
let private expectConsistent (dir: string) (keys: string list) =
    let results = Path.Combine(dir, "results")
    let entries = RunManifest.Open(Path.Combine(results, "manifests", "camp.c")).Entries
    Expect.equal (entries |> Seq.map (fun e -> e.Key) |> Seq.sort |> List.ofSeq) (List.sort keys) "one entry per planned run"
    for e in entries do
        Expect.equal e.Status ManifestStatus.Done $"{e.Key} done"
        Expect.isTrue (isDone (Path.Combine(results, e.RunId))) $"{e.Key}: its folder {e.RunId} is complete"
    let complete = runFolders results |> Array.filter isDone
    Expect.equal complete.Length keys.Length "one complete folder per planned run, none twice"

let private realTests =
    testList "real SLURM" [
        testCase "a 4-run campaign runs as a job array; a cancelled task is resubmitted alone" <| fun () ->
            match slurmMissing.Force() with
            | Some why -> skiptest why
            | None ->
                let dir = workDir "slurm-real"
                // one task at a time, so that the last task is still waiting when it is cancelled
                write dir "camp.lem" (campaign "    time = 10m\n    max_parallel = 1\n" "") |> ignore
                let keys = [ "a#cycle1"; "b#cycle1"; "a#cycle2"; "b#cycle2" ]
                let first = run dir [ "run"; "camp.lem"; "--on"; "slurm" ]
                expectOk first
                let job = jobOf first
                // task 3 waits behind the throttle (%1) until tasks 0-2 have run: cancel it there
                match activeTasks job |> List.tryFind (fun (i, _) -> i = 3) with
                | Some(_, "PENDING") -> slurm "scancel" [ $"{job}_3" ] |> ignore
                | other -> failwithf "task 3 of job %s was not pending when the test came to cancel it (%A); is the machine very slow?" job other
                waitForJob job
                let cancelled = run dir [ "status"; "camp.lem" ]
                expectOk cancelled
                Expect.stringContains cancelled.Stdout "4 planned run(s): 3 done, 1 failed" cancelled.All
                Expect.stringContains (statusLine cancelled "b#cycle2") $"task {job}_3" cancelled.Stdout
                // resubmitting: only the cancelled run
                let again = run dir [ "run"; "camp.lem"; "--on"; "slurm" ]
                expectOk again
                Expect.stringContains again.Stdout "1 task(s) (array 0-0); 3 complete, queued or running not submitted" again.All
                Expect.equal (records dir |> Array.map keysOf |> Array.last) [ "b#cycle2" ] "the second array holds the cancelled run alone"
                waitForJob (jobOf again)
                let final = run dir [ "status"; "camp.lem" ]
                expectOk final
                Expect.stringContains final.Stdout "4 planned run(s): 4 done" final.All
                expectConsistent dir keys
                let nothing = run dir [ "run"; "camp.lem"; "--on"; "slurm" ]
                Expect.stringContains nothing.Stdout "nothing to submit" nothing.All
    ]

let tests = testList "slurm" [ parsingTests; fakeTests; realTests ]
