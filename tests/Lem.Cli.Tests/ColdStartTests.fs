/// campaign { cold_start = true }: each planned run in a fresh lem process, its model loaded (and the load metered)
/// for it; warm by default, where runs share one process and its loaded model.
module Lem.Cli.Tests.ColdStartTests

open System
open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem

/// (lem_pid, cold_start, model.load_time_s, model.load_energy_j) of each complete run's record, in run-folder order.
let private facts (results: string) =
    runFolders results
    |> Array.filter isDone
    |> Array.map (fun folder ->
        use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "raw-worker0.json")))
        let root = doc.RootElement
        let environment = root.GetProperty "environment"
        let model = root.GetProperty "model"
        let number (e: JsonElement) (name: string) =
            match e.TryGetProperty name with
            | true, v when v.ValueKind = JsonValueKind.Number -> Some(v.GetDouble())
            | _ -> None
        environment.GetProperty("lem_pid").GetInt32(), environment.GetProperty("cold_start").GetBoolean(), number model "load_time_s", number model "load_energy_j")
    |> List.ofArray

let private campaign (setting: string) = tinyPair + $"campaign c {{\n  experiments = [a, b]\n{setting}}}\nrun c\n"

let tests =
    testSequenced <| testList "cold start" [
        testCase "cold_start = true: each run in its own lem process, its model loaded and the load metered; lem plan shows it" <| fun () ->
            let dir = workDir "cold"
            write dir "camp.lem" (campaign "  cold_start = true\n") |> ignore
            let plan = run dir [ "plan"; "camp.lem" ]
            expectOk plan
            Expect.stringContains plan.Stdout "cold_start true (each run in a fresh lem process)" "lem plan shows it"

            let parent = start dir [ "run"; "camp.lem" ]
            let outcome = finish parent (TimeSpan.FromMinutes 4.0)
            expectOk outcome
            Expect.equal (outcome.Stderr.Split("cold start, in a fresh lem process").Length - 1) 2 "two child processes started"
            let records = facts (Path.Combine(dir, "results"))
            Expect.equal records.Length 2 "both runs complete"
            let pids = records |> List.map (fun (pid, _, _, _) -> pid)
            Expect.equal (List.distinct pids).Length 2 "each record from its own process"
            Expect.isFalse (List.contains parent.Pid pids) "neither from the parent"
            for (_, coldStart, loadS, loadEnergyJ) in records do
                Expect.isTrue coldStart "recorded as a cold start"
                Expect.isSome loadS "each run loaded its model"
                Expect.isSome loadEnergyJ "and the load's energy is recorded"
            Expect.stringContains outcome.Stdout "a#cycle1" "the children's summaries reach stdout"

            // again: both complete, so no child is started
            let again = run dir [ "run"; "camp.lem" ]
            expectOk again
            Expect.equal (again.Stderr.Split("done before").Length - 1) 2 "both skipped"
            Expect.isFalse (again.Stderr.Contains "fresh lem process") "no child"

        testCase "warm by default: one process, the second run reuses the loaded model" <| fun () ->
            let dir = workDir "warm"
            write dir "camp.lem" (campaign "") |> ignore
            expectOk (run dir [ "run"; "camp.lem" ])
            match facts (Path.Combine(dir, "results")) with
            | [ (pid1, cold1, load1, energy1); (pid2, cold2, load2, energy2) ] ->
                Expect.equal pid1 pid2 "one process"
                Expect.isFalse (cold1 || cold2) "not cold starts"
                Expect.isSome load1 "the first run loads"
                Expect.isSome energy1 "and meters its load"
                Expect.isNone load2 "the second reuses the model"
                Expect.isNone energy2 "so no load energy"
            | other -> failwithf "expected two records, got %A" other
    ]
