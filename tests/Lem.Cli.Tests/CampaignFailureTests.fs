/// A run that fails does not stop its campaign: a launched server that dies mid-run fails that run (FAILED, its log
/// kept in the run folder), the next run still runs, lem ends with a summary of the failed runs and exit 1, and a rerun
/// retries only the failed run.
module Lem.Cli.Tests.CampaignFailureTests

open System
open System.IO
open Expecto
open Lem.Cli.Tests.Lem

/// Two served experiments on the CPU, one request at a time: `dies`, whose server (the repository's test server,
/// launched as if it were llama-server, serving the tiny model under the id "tiny-served") kills itself on its second
/// request, then `fine`.
let private servedCampaign (setting: string) =
    let server = Path.Combine(AppContext.BaseDirectory, "Lem.Backends.Server.TestServer.dll")
    let serve = $"\"--weights\", \"{tinyModel.Value}\", \"--framing\", \"llama_server\""
    $"experiment dies {{\n  backend = llama_server\n  model = \"tiny-served\"\n  server.command = [\"dotnet\", \"{server}\"]\n"
    + $"  server.extra_args = [{serve}, \"--fault\", \"kill-process:1\", \"--fault-from\", \"2\"]\n  max_new_tokens = 2\n"
    + "  prompts = synthetic(count = 3, input_tokens = 8)\n  traffic.mode = concurrent\n  traffic.concurrency = 1\n  warmup.count = 0\n}\n"
    + $"experiment fine extends dies {{\n  server.extra_args = [{serve}]\n}}\n"
    + $"campaign c {{\n  experiments = [dies, fine]\n{setting}}}\nrun c\n"

/// Runs the campaign (with `setting`) in a new folder: exit 1, `dies` failed and named in the summary with its phase,
/// error and logs, `fine` complete. The outcome, the results folder and the failed run's folder.
let private runFailing (name: string) (setting: string) =
    let dir = workDir name
    write dir "served.lem" (servedCampaign setting) |> ignore
    let results = Path.Combine(dir, "results")
    let outcome = run dir [ "run"; "served.lem" ]
    Expect.equal outcome.ExitCode 1 "a failed run makes lem exit 1"
    expectNoStackTrace outcome
    Expect.stringContains outcome.Stderr "failed runs (1):" "the summary at the end"
    Expect.stringContains outcome.Stderr "dies#cycle1 (phase measure): the llama.cpp llama-server server exited" "names the failed run, its phase and its error"
    let folders = runFolders results
    let failed = folders |> Array.find (fun f -> f.EndsWith "-dies-c1")
    Expect.isFalse (isDone failed) "the failed run never completes"
    Expect.isTrue (folders |> Array.exists (fun f -> f.EndsWith "-fine-c1" && isDone f)) "the next run ran and completed"
    Expect.stringContains outcome.Stderr ("logs in " + Path.Combine(failed, "logs")) "the summary names the failed run's logs"
    dir, outcome, results, failed

let tests =
    testSequenced <| testList "campaign failures" [
        testCase "a launched server that dies mid-run fails that run, keeps its log, and the next run still runs; exit 1 with a summary" <| fun () ->
            let dir, _, results, failed = runFailing "server-dies" ""
            let marker = File.ReadAllText(Path.Combine(failed, "FAILED"))
            Expect.stringContains marker "\"phase\": \"measure\"" "FAILED says the phase"
            Expect.stringContains marker "\"completed_requests\": 1" "and how many requests completed before"
            Expect.isTrue (File.Exists(Path.Combine(failed, "completed-requests-worker0.json"))) "the completed request is kept"
            let log = Directory.GetFiles(Path.Combine(failed, "logs")) |> Array.exactlyOne |> File.ReadAllText
            Expect.stringContains log "lem test server" "the dead server's own output is kept in the run folder"
            let entry = Directory.GetFiles(Path.Combine(results, "manifests", "served.c"), "dies*.json") |> Array.exactlyOne |> File.ReadAllText
            Expect.stringContains entry "\"status\": \"failed\"" "the manifest entry says failed"

            // a rerun retries the failed run (it fails again here) and skips the complete one
            let again = run dir [ "run"; "served.lem" ]
            Expect.equal again.ExitCode 1 "it fails again"
            Expect.stringContains again.Stderr "fine#cycle1: done before" "the complete run is skipped"
            Expect.equal (runFolders results |> Array.filter (fun f -> f.EndsWith "-dies-c1")).Length 2 "the failed run was retried in a new folder"

        testCase "cold start: a child whose server dies is a failed run, and the next child still runs" <| fun () ->
            let _, outcome, _, _ = runFailing "server-dies-cold" "  cold_start = true\n"
            Expect.equal (outcome.Stderr.Split("cold start, in a fresh lem process").Length - 1) 2 "a child per run"
            Expect.equal (outcome.Stderr.Split("failed runs (1):").Length - 1) 2 "the failing child's summary, then the parent's (from the child's manifest entry)"
    ]
