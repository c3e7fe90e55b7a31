/// lem check and lem plan.
module Lem.Cli.Tests.CheckPlanTests

open System.Text.Json
open System.Text.RegularExpressions
open Expecto
open Lem.Cli.Tests.Lem

let private valid = tinyExperiment "t" "batching.batch_size = 8" + "run t\n"

let private invalid = """experiment a {
  batching.batch_sise = 4
  precision = fp64
  max_new_tokens = "x"
}
run b
"""

let private planOf (o: Outcome) =
    expectOk o
    use doc = JsonDocument.Parse o.Stdout
    doc.RootElement.Clone()

let tests =
    testList "check and plan" [
        testCase "check accepts a valid script" <| fun () ->
            let dir = workDir "check-ok"
            write dir "ok.lem" valid |> ignore
            let o = run dir [ "check"; "ok.lem" ]
            expectOk o
            Expect.equal (errorLines o) [] "no diagnostics"

        testCase "check reports every error as FILE:LINE:COL: error LEMnnnn: message" <| fun () ->
            let dir = workDir "check-bad"
            write dir "bad.lem" invalid |> ignore
            let o = run dir [ "check"; "bad.lem" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            let lines = errorLines o
            let shape = Regex(@"^bad\.lem:(\d+):(\d+): error LEM\d{4}: \S.*$")
            for l in lines do Expect.isTrue (shape.IsMatch l) $"diagnostic shape: {l}"
            let positions = lines |> List.map (fun l -> let m = shape.Match l in m.Groups[1].Value + ":" + m.Groups[2].Value)
            Expect.equal positions [ "2:3"; "3:3"; "4:3"; "6:5" ] "one diagnostic per error, at its position"
            Expect.stringContains lines[0] "did you mean" "did-you-mean"
            Expect.stringContains lines[0] "batching.batch_size" "the suggestion"
            Expect.equal o.Stdout "" "diagnostics go to stderr"
            expectNoStackTrace o

        testCase "check refuses a tensor split whose devices do not divide the heads, at the devices' line" <| fun () ->
            let dir = workDir "check-tensor"
            write dir "tp.lem" (tinyExperiment "t" "parallel.mode = tensor\n  parallel.devices = [\"cpu\", \"cpu\", \"cpu\"]" + "run t\n") |> ignore
            let o = run dir [ "check"; "tp.lem" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            let line = Expect.wantSome (errorLines o |> List.tryExactlyOne) "one diagnostic"
            Expect.stringStarts line "tp.lem:9:3: error LEM1006: " "at parallel.devices"
            Expect.stringContains line "4 attention heads, which 3 does not divide" "why"
            Expect.stringContains line "Use 2 devices" "the remedy"
            expectNoStackTrace o

        testCase "check of a missing file is one line" <| fun () ->
            let o = run (workDir "check-missing") [ "check"; "nothere.lem" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "nothere.lem" "names the file"
            expectNoStackTrace o

        testCase "plan --json gives every parameter's value and origin" <| fun () ->
            let dir = workDir "plan"
            write dir "plan.lem" valid |> ignore
            let plan = planOf (run dir [ "plan"; "--json"; "plan.lem" ])
            Expect.equal (plan.GetArrayLength()) 1 "one experiment"
            let e = plan[0]
            Expect.equal (e.GetProperty("name").GetString()) "t" "name"
            let p = e.GetProperty "params"
            let batch = p.GetProperty "batching.batch_size"
            Expect.equal (batch.GetProperty("value").GetInt32()) 8 "value as a JSON number"
            Expect.isTrue (batch.GetProperty("from").GetString().EndsWith "plan.lem:8") $"""from FILE:LINE, got {batch.GetProperty("from")}"""
            Expect.equal (p.GetProperty("device").GetProperty("value").GetString()) "cpu" "string value"
            Expect.equal (p.GetProperty("decoder.preset").GetProperty("from").GetString()) "default" "a default says so"
            Expect.equal (p.GetProperty("model").GetProperty("value").GetString()) "synthetic(\"tiny\")" "a call as written"

        testCase "plan --set shows the command line as the origin" <| fun () ->
            let dir = workDir "plan-set"
            write dir "plan.lem" valid |> ignore
            let plan = planOf (run dir [ "plan"; "--json"; "--set"; "batching.batch_size=4"; "plan.lem" ])
            let batch = plan[0].GetProperty("params").GetProperty "batching.batch_size"
            Expect.equal (batch.GetProperty("value").GetInt32()) 4 "overridden value"
            Expect.equal (batch.GetProperty("from").GetString()) "command line (--set)" "origin"

        testCase "plan text lists the experiment" <| fun () ->
            let dir = workDir "plan-text"
            write dir "plan.lem" valid |> ignore
            let o = run dir [ "plan"; "plan.lem" ]
            expectOk o
            Expect.stringContains o.Stdout "batching.batch_size" "parameter"
            Expect.stringContains o.Stdout "plan.lem:8" "origin"

        testCase "explain says where a value came from" <| fun () ->
            let dir = workDir "explain"
            write dir "x.lem" (tinyExperiment "base" "" + "experiment child extends base {\n  batching.batch_size = 2\n}\n") |> ignore
            let o = run dir [ "explain"; "x.lem"; "child" ]
            expectOk o
            Expect.stringContains o.Stdout "batching.batch_size" "the parameter the child sets"
            Expect.stringContains o.Stdout "base" "the parent in the chain"
    ]
