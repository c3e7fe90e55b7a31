/// `lem daemon`: a scheduled campaign of the tiny model run one cycle per occurrence (`--once --now` stands in for the
/// time passing), its state kept on disk between invocations, with lem run's manifest.
module Lem.Cli.Tests.DaemonTests

open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem

let private scheduledScript (dir: string) =
    write dir "nightly.lem" (tinyExperiment "e" "" + "campaign nightly {\n  experiments = [e]\n  cycles = 2\n  schedule = \"0 2 * * *\"\n}\nrun nightly\n")

let private state (dir: string) =
    use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results", "schedules", "nightly.nightly.json")))
    doc.RootElement.Clone()

let private runCount (dir: string) = runFolders (Path.Combine(dir, "results")) |> Array.filter (fun d -> Path.GetFileName d <> "schedules") |> Array.length

let tests =
    testList "daemon" [
        test "each call of lem daemon --once --now runs the next cycle, going on from the state on disk, until every cycle has run" {
            let dir = workDir "daemon"
            let script = scheduledScript dir
            let first = run dir [ "daemon"; "--once"; "--now"; script ]
            expectOk first
            expectNoStackTrace first
            Expect.stringContains first.Stderr "(run now, ahead of its time): cycle 1 of 2" "the first cycle"
            Expect.equal (runCount dir) 1 "one run"
            let occurrences = (state dir).GetProperty("occurrences").EnumerateArray() |> List.ofSeq
            Expect.equal [ for o in occurrences -> o.GetProperty("status").GetString(), o.GetProperty("cycle").GetInt32(), o.GetProperty("early").GetBoolean() ] [ "done", 1, true ] "recorded"
            Expect.equal ((state dir).GetProperty("schedule").GetString()) "0 2 * * *" "the schedule"

            let idle = run dir [ "daemon"; "--once"; script ]
            expectOk idle
            Expect.stringContains idle.Stderr "nothing due; next occurrence" "nothing due before its time"
            Expect.equal (runCount dir) 1 "nothing ran"

            expectOk (run dir [ "daemon"; "--once"; "--now"; script ])
            Expect.equal (runCount dir) 2 "the second cycle"
            let last = run dir [ "daemon"; "--once"; "--now"; script ]
            expectOk last
            Expect.stringContains last.Stderr "every cycle has run (2 of 2)" "complete"
            Expect.equal (runCount dir) 2 "nothing more"

            // lem run shares the manifest: both cycles are done before
            let again = run dir [ "run"; script ]
            expectOk again
            Expect.stringContains again.Stderr "done before" "resume rules shared"
            Expect.stringContains again.Stderr "note: campaign nightly has schedule \"0 2 * * *\"" "lem run says the schedule is not waited for"
            Expect.equal (runCount dir) 2 "lem run ran nothing"
        }

        test "a cold_start = true scheduled campaign runs each run of its cycle in a fresh lem process" {
            let dir = workDir "daemon-cold"
            let script =
                write dir "nightly.lem" (tinyExperiment "e" "" + "campaign nightly {\n  experiments = [e]\n  cycles = 2\n  schedule = \"0 2 * * *\"\n  cold_start = true\n}\nrun nightly\n")
            let daemon = start dir [ "daemon"; "--once"; "--now"; script ]
            let outcome = finish daemon (System.TimeSpan.FromMinutes 4.0)
            expectOk outcome
            expectNoStackTrace outcome
            Expect.equal (outcome.Stderr.Split("cold start, in a fresh lem process").Length - 1) 1 "one child for the cycle's one run"
            let folder = runFolders (Path.Combine(dir, "results")) |> Array.filter isDone |> Array.exactlyOne
            use record = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "raw-worker0.json")))
            let environment = record.RootElement.GetProperty "environment"
            Expect.isTrue (environment.GetProperty("cold_start").GetBoolean()) "recorded as a cold start"
            Expect.notEqual (environment.GetProperty("lem_pid").GetInt32()) daemon.Pid "measured by the child, not the daemon"
            Expect.isTrue (record.RootElement.GetProperty("model").GetProperty("load_time_s").ValueKind = JsonValueKind.Number) "the child loaded the model"
            let occurrences = (state dir).GetProperty("occurrences").EnumerateArray() |> List.ofSeq
            Expect.equal [ for o in occurrences -> o.GetProperty("status").GetString(), o.GetProperty("cycle").GetInt32() ] [ "done", 1 ] "the cycle is recorded done"
        }

        test "a script without a scheduled campaign is one line with the remedy" {
            let dir = workDir "daemon-none"
            let script = write dir "plain.lem" (tinyExperiment "e" "" + "run e\n")
            let o = run dir [ "daemon"; "--once"; script ]
            expectNoStackTrace o
            Expect.equal o.ExitCode 1 "exit 1"
            Expect.equal (errorLines o) [ $"lem: error: {script} has no scheduled campaign to run. Remedy: give a campaign schedule = \"0 2 * * *\" and name it in a run statement (run NAME)." ] "one line"
        }
    ]
