/// lem experiment (.lem and original YAML), lem config convert, lem config params.
module Lem.Cli.Tests.ConfigTests

open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem
open Lem.Engine.Config

let private configs = Path.Combine(repoRoot, "configs")

let private registryNames = Lem.Cli.Composition.registry.All |> Seq.map (fun d -> d.Name) |> List.ofSeq

let tests =
    testList "experiment and config" [
        testCase "experiment FILE.lem runs its one experiment" <| fun () ->
            let dir = workDir "experiment-lem"
            write dir "one.lem" (tinyExperiment "one" "") |> ignore
            let o = run dir [ "experiment"; "one.lem" ]
            expectOk o
            let folders = runFolders (Path.Combine(dir, "results"))
            Expect.equal folders.Length 1 "one run"
            Expect.isTrue (isDone folders[0]) "complete"
            Expect.stringContains folders[0] "-one-c1" "experiment one, cycle 1"

        testCase "experiment of a file with two experiments says to use lem run" <| fun () ->
            let dir = workDir "experiment-two"
            write dir "two.lem" (tinyExperiment "a" "" + tinyExperiment "b" "") |> ignore
            let o = run dir [ "experiment"; "two.lem" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.stringContains o.Stderr "lem run" "the remedy"
            expectNoStackTrace o

        testCase "experiment configs/original-llenergymeasure.yaml runs the original format" <| fun () ->
            let dir = workDir "experiment-yaml"
            let o = run dir [ "experiment"; Path.Combine(configs, "original-llenergymeasure.yaml") ]
            expectOk o
            let folders = runFolders (Path.Combine(dir, "results"))
            Expect.equal folders.Length 1 "one run"
            Expect.isTrue (isDone folders[0]) "complete"
            Expect.stringContains folders[0] "original_tiny" "named by config_name"

        testCase "run configs/original-llenergymeasure.yaml runs it once, then skips it" <| fun () ->
            let dir = workDir "run-yaml"
            let yaml = Path.Combine(configs, "original-llenergymeasure.yaml")
            expectOk (run dir [ "run"; yaml ])
            let folders = runFolders (Path.Combine(dir, "results"))
            Expect.equal folders.Length 1 "one run"
            Expect.isTrue (isDone folders[0]) "complete"
            let again = run dir [ "run"; yaml ]
            expectOk again
            Expect.stringContains again.Stderr "skipped" "resumed"
            Expect.equal (runFolders (Path.Combine(dir, "results"))).Length 1 "nothing ran again"

        testCase "check and plan read the original YAML" <| fun () ->
            let dir = workDir "yaml-check"
            let yaml = Path.Combine(configs, "original-llenergymeasure-fp16.yaml")
            expectOk (run dir [ "check"; yaml ])
            let plan = run dir [ "plan"; "--json"; yaml ]
            expectOk plan
            use doc = JsonDocument.Parse plan.Stdout
            let p = doc.RootElement[0].GetProperty "params"
            Expect.equal (p.GetProperty("precision").GetProperty("value").GetString()) "fp16" "fp_precision: float16"
            Expect.equal (p.GetProperty("batching.batch_size").GetProperty("value").GetInt32()) 4 "child value"
            Expect.equal (p.GetProperty("batching.strategy").GetProperty("value").GetString()) "sorted_static" "merged from the parent"

        testCase "config convert prints .lem that check accepts" <| fun () ->
            for yaml in [ "original-llenergymeasure.yaml"; "original-llenergymeasure-fp16.yaml" ] do
                let dir = workDir "convert"
                let o = run dir [ "config"; "convert"; Path.Combine(configs, yaml) ]
                expectOk o
                Expect.stringContains o.Stdout "experiment " $"{yaml}: an experiment"
                write dir "converted.lem" o.Stdout |> ignore
                let check = run dir [ "check"; "converted.lem" ]
                expectOk check
                Expect.equal (errorLines check) [] $"{yaml}: converted script is valid"

        testCase "config convert of an unknown YAML key is a diagnostic with did-you-mean" <| fun () ->
            let dir = workDir "convert-bad"
            write dir "bad.yaml" "config_name: x\nmodel_name: synthetic(\"tiny\")\nfp_precison: float16\n" |> ignore
            let o = run dir [ "config"; "convert"; "bad.yaml" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.stringContains o.Stderr "bad.yaml:3:1: error LEM0301" "at its line and column"
            Expect.stringContains o.Stderr "fp_precision" "did you mean"
            expectNoStackTrace o

        // These three once ended in a .NET stack overflow (exit 134) or grew past 5 GB: they run in a child process
        for name, yaml, expected in
            [ "an alias inside its own anchor", "config_name: a\nmodel_name: &a [*a]\n", "x.yaml:2:17: error LEM0300"
              "YAML nested 30 000 deep", "config_name: a\nmodel_name: " + System.String('[', 30000) + System.String(']', 30000) + "\n", "x.yaml:2:212: error LEM0300"
              "an alias bomb", "config_name: a\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + System.String.Join("\n", [ for i in 1 .. 12 -> sprintf "a%d: &a%d [%s]" i i (System.String.Join(", ", List.replicate 10 (sprintf "*a%d" (i - 1)))) ]) + "\n", "error LEM0300" ] do
            testCase $"check of {name} is one error with its place, not a crash" <| fun () ->
                let dir = workDir "yaml-bounds"
                write dir "x.yaml" yaml |> ignore
                let o = run dir [ "check"; "x.yaml" ]
                Expect.equal o.ExitCode 1 $"exit 1 (not a crash): {o.Stderr}"
                expectNoStackTrace o
                Expect.equal (errorLines o).Length 1 o.Stderr
                Expect.stringContains o.Stderr expected "where"

        testCase "plan and convert of an original config show the original's defaults with their origin" <| fun () ->
            let dir = workDir "yaml-defaults"
            write dir "x.yaml" "config_name: bare\nmodel_name: synthetic(\"tiny\")\ndecoder:\n  preset: creative\n" |> ignore
            let plan = run dir [ "plan"; "--json"; "x.yaml" ]
            expectOk plan
            use doc = JsonDocument.Parse plan.Stdout
            let p = doc.RootElement[0].GetProperty "params"
            let value (name: string) = p.GetProperty(name).GetProperty("value").ToString()
            let from (name: string) = p.GetProperty(name).GetProperty("from").GetString()
            Expect.equal (value "precision") "fp16" "the original's float16"
            Expect.equal (from "precision") "original default" "origin"
            Expect.equal (value "max_new_tokens") "128" "the original's 128"
            Expect.equal (value "decoder.temperature") "0.8" "the original's creative preset"
            Expect.equal (from "decoder.top_k") "original default" "top_k from the original's defaults"
            let check = run dir [ "check"; "x.yaml" ]
            expectOk check
            Expect.stringContains check.Stderr "the original tool's defaults" "check lists them"
            let convert = run dir [ "config"; "convert"; "x.yaml" ]
            expectOk convert
            Expect.stringContains convert.Stdout "precision = fp16   # original default" "convert marks them"

        testCase "config convert of a .lem file says it reads YAML" <| fun () ->
            let dir = workDir "convert-lem"
            write dir "x.lem" (tinyExperiment "x" "") |> ignore
            let o = run dir [ "config"; "convert"; "x.lem" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "not a YAML config" "what is wrong"
            expectNoStackTrace o

        testCase "config params lists every registry name" <| fun () ->
            let o = run (workDir "params") [ "config"; "params" ]
            expectOk o
            let firstWords = o.Stdout.Split('\n') |> Array.map (fun l -> (l.Split(' ')[0]).Trim()) |> Set.ofArray
            for name in registryNames do Expect.isTrue (firstWords.Contains name) $"{name} listed"

        testCase "docs/parameters.md is what config params --markdown prints (regenerate: dotnet fsi build.fsx docs)" <| fun () ->
            let o = run (workDir "params-md") [ "config"; "params"; "--markdown" ]
            expectOk o
            let committed = File.ReadAllText(Path.Combine(repoRoot, "docs", "parameters.md"))
            Expect.equal (o.Stdout.ReplaceLineEndings "\n") (committed.ReplaceLineEndings "\n") "docs/parameters.md is stale: run dotnet fsi build.fsx docs"

        testCase "config params --json lists every registry name with its metadata" <| fun () ->
            let o = run (workDir "params-json") [ "config"; "params"; "--json" ]
            expectOk o
            use doc = JsonDocument.Parse o.Stdout
            let entries = doc.RootElement.EnumerateArray() |> List.ofSeq
            Expect.equal (entries |> List.map (fun e -> e.GetProperty("name").GetString())) registryNames "every name, in registry order"
            for e in entries do
                for field in [ "type"; "default"; "help" ] do
                    let mutable v = Unchecked.defaultof<JsonElement>
                    Expect.isTrue (e.TryGetProperty(field, &v)) $"""{e.GetProperty("name")} has {field}"""
    ]
