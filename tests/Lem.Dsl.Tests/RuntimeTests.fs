module Lem.Dsl.Tests.RuntimeTests

open System
open Expecto
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Checker
open Lem.Dsl.Runtime
open Lem.Dsl.Plan
open Lem.Dsl.Tests.Helpers

type private Log() =
    member val Events = ResizeArray<string>()

let private recordingHost (log: Log) =
    { RunExperiments = fun r -> log.Events.Add(sprintf "run %s: %s" r.Target (r.Runs |> List.map (fun x -> sprintf "%s#%d" x.Experiment x.Cycle) |> String.concat " ")); Ok()
      Analyze = fun a -> log.Events.Add(sprintf "analyze %s (%d clauses) over %s" a.Target a.Clauses.Length (String.concat "," a.Experiments)); Ok()
      Show = fun s -> log.Events.Add(sprintf "show %s" s.Name) }

let interpreter =
    testList "interpreter" [
        testCase "actions run top to bottom with resolved runs" <| fun () ->
            let p = check "experiment a { cycles = 2 }\nshow a\nrun a\ncampaign c {\n  experiments = [a]\n  cycles = 2\n  order = grouped\n}\nrun c\nanalyze c { export \"r.csv\" }"
            Expect.isFalse p.HasErrors (dump p)
            let log = Log()
            let ds = Interpreter.run registry (recordingHost log) p
            Expect.isEmpty ds "no failure"
            Expect.equal (List.ofSeq log.Events) [ "show a"; "run a: a#1 a#2"; "run c: a#1 a#2"; "analyze c (1 clauses) over a" ] "events"
        testCase "a failing host stops the script with a diagnostic at the statement" <| fun () ->
            let p = check "experiment a {}\nrun a\nshow a"
            let log = Log()
            let host = { recordingHost log with RunExperiments = fun _ -> Error "out of memory" }
            let ds = Interpreter.run registry host p
            Expect.equal (ds |> List.map (fun d -> d.Code, d.Range.StartLine)) [ "LEM0400", 2 ] "failure"
            Expect.isEmpty log.Events "show not reached"
        testCase "a program with errors is not run" <| fun () ->
            let p = check "experiment a { precision = fp8 }\nrun a"
            let log = Log()
            let ds = Interpreter.run registry (recordingHost log) p
            Expect.isNonEmpty ds "errors"
            Expect.isEmpty log.Events "nothing run"
        testCase "runs carry every parameter with defaults" <| fun () ->
            let p = check "experiment a { max_new_tokens = 4 }"
            let r = Interpreter.runRequest registry p "a" ExperimentTarget (Lem.Dsl.Syntax.Range.point "x" 1 1)
            let run = List.exactlyOne r.Runs
            Expect.equal (run.Parameters["max_new_tokens"].Value.ToString()) "4" "set"
            Expect.equal (run.Parameters["precision"].From.ToString()) "default" "default"
    ]

let repl =
    testList "repl" [
        testCase "keeps definitions between chunks, a bad chunk changes nothing" <| fun () ->
            let s0 = Repl.start (optionsWith [])
            let r1 = Repl.submit s0 "let n = 3\nexperiment a { max_new_tokens = n }"
            Expect.isEmpty r1.Diagnostics (sprintf "%A" r1.Diagnostics)
            let r2 = Repl.submit r1.Session "experiment b extends a { precision = fp99 }"
            Expect.contains (r2.Diagnostics |> List.map (fun d -> d.Code)) "LEM1004" "error reported"
            let r3 = Repl.submit r2.Session "experiment b extends a { min_new_tokens = n }\nshow b"
            Expect.isEmpty r3.Diagnostics (sprintf "%A" r3.Diagnostics)
            Expect.equal (r3.Session.Program.Experiments["b"].Values["max_new_tokens"].Value.ToString()) "3" "inherits a from chunk 1"
            Expect.equal (r3.Actions |> List.map (function ShowAction(n, _, _) -> n | _ -> "?")) [ "b" ] "only this chunk's actions"
        testCase "redefinition replaces, bare name shows, :quit quits, never throws" <| fun () ->
            let s = Repl.start (optionsWith [])
            let r1 = Repl.submit s "experiment a { max_new_tokens = 3 }"
            let r2 = Repl.submit r1.Session "experiment a { max_new_tokens = 5 }"
            Expect.isEmpty r2.Diagnostics "redefinition is fine"
            Expect.equal (r2.Session.Program.Experiments["a"].Values["max_new_tokens"].Value.ToString()) "5" "replaced"
            let r3 = Repl.submit r2.Session "a"
            Expect.equal r3.Actions.Length 1 "show a"
            Expect.isTrue (Repl.submit r3.Session ":quit").Quit "quit"
            for junk in [ "{"; "}}}"; ":load"; ":load /nope.lem"; ":x"; "experiment"; "\"" ] do
                Repl.submit r3.Session junk |> ignore
        testCase ":load FILE" <| fun () ->
            let s = Repl.start (optionsWith [ "lib.lem", "experiment lib { max_new_tokens = 2 }" ])
            let r = Repl.submit s ":load /mem/lib.lem"
            Expect.isEmpty r.Diagnostics (sprintf "%A" r.Diagnostics)
            Expect.isTrue (r.Session.Program.Experiments.ContainsKey "lib") "loaded"
    ]

let output =
    testList "plan text, show, explain" [
        testCase "show aligns parameter, value, origin" <| fun () ->
            let p = check "experiment a {\n  batching.batch_size = 8\n}"
            let text = PlanOutput.showText registry p "a" |> Option.get
            Expect.isMatch text @"batching\.batch_size +8 +main\.lem:2" text
            Expect.stringContains text "main.lem:2" text
            Expect.stringContains text "default" text
        testCase "explain tells the chain" <| fun () ->
            let p = check "experiment a {\n  batching.batch_size = 8\n}\nexperiment b extends a {}\nsweep s from b { batching.batch_size = [2] }"
            let text = PlanOutput.explainText registry p "s[batching.batch_size=2]" |> Option.get
            Expect.stringContains text "member 1 of sweep s (main.lem:5), from b" text
            Expect.stringContains text "b (main.lem:4) extends a" text
            Expect.stringContains text "main.lem:2 in a: 8" text
            Expect.stringContains text "sweep s (main.lem:5): 2" text
        testCase "plan text lists campaigns' run order" <| fun () ->
            let p = check "experiment a {}\ncampaign c { experiments = [a]; cycles = 2 }"
            let text = PlanOutput.planText registry p
            Expect.stringContains text "campaign c: 1 experiments x 2 cycles, order interleaved" text
            Expect.stringContains text "cold_start false (runs share one lem process; models reused)" "warm by default"
        testCase "cold_start = true: in the plan, and in the run request" <| fun () ->
            let p = check "experiment a {}\ncampaign c { experiments = [a]; cold_start = true }\nrun c"
            Expect.isTrue p.Campaigns["c"].ColdStart "read"
            Expect.stringContains (PlanOutput.planText registry p) "cold_start true (each run in a fresh lem process)" "lem plan shows it"
            Expect.isTrue (Lem.Dsl.Api.runRequest registry p "c" |> Option.get).ColdStart "the runner is told"
            Expect.isFalse (Lem.Dsl.Api.runRequest registry (check "experiment a {}\ncampaign c { experiments = [a] }") "c" |> Option.get).ColdStart "default warm"
    ]



let api =
    testList "api" [
        testCase "checkFile: .lem with --set, .yaml by extension, bad --set as a diagnostic" <| fun () ->
            let lem = IO.Path.Combine(repoRoot, "examples", "inheritance.lem")
            let p = Lem.Dsl.Api.checkFile registry [ "batching.batch_size=16" ] lem
            Expect.isFalse p.HasErrors (dump p)
            Expect.equal (valueOf p "sampled_batched" "batching.batch_size") "16" "override"
            let y = Lem.Dsl.Api.checkFile registry [] (IO.Path.Combine(repoRoot, "configs", "original-llenergymeasure.yaml"))
            Expect.isFalse y.HasErrors (dump y)
            Expect.equal (valueOf y "original_tiny" "precision") "fp32" "yaml"
            let bad = Lem.Dsl.Api.checkFile registry [ "nonsense" ] lem
            Expect.equal (codes bad) [ "LEM0260" ] (dump bad)
        testCase "runRequest of a campaign follows its order" <| fun () ->
            let p = Lem.Dsl.Api.checkFile registry [] (IO.Path.Combine(repoRoot, "examples", "campaign.lem"))
            Expect.isFalse p.HasErrors (dump p)
            let r = (Lem.Dsl.Api.runRequest registry p "small_paper").Value
            Expect.equal r.Runs.Length (4 * 3) "4 experiments x 3 cycles"
            Expect.equal r.Gap (TimeSpan.FromMilliseconds 250.0) "gap"
            Expect.equal (r.Runs |> List.map (fun x -> x.Cycle)) [ 1; 1; 1; 1; 2; 2; 2; 2; 3; 3; 3; 3 ] "cycle by cycle"
    ]
let tests = testList "runtime" [ interpreter; repl; output; api ]
