/// Errors before the first run, no silent no-ops, bounded inputs: what `lem check` and the start of `lem run` find
/// before anything runs, end to end.
module Lem.Cli.Tests.PreflightTests

open System
open System.IO
open System.Text
open Expecto
open Lem.Cli.Tests.Lem

/// The codes of the diagnostics lem printed, in order, but for LEM0222 (tinyExperiment's values set again).
let private codes (o: Outcome) =
    Text.RegularExpressions.Regex.Matches(o.Stderr, @"(error|warning|info) (LEM\d{4})")
    |> Seq.map (fun m -> m.Groups[1].Value + " " + m.Groups[2].Value)
    |> Seq.filter (fun c -> not (c.EndsWith "LEM0222"))
    |> List.ofSeq

/// A campaign whose first experiment runs and whose second cannot (MISTAKE added to it).
let private campaignWith (mistake: string) (analysis: string) =
    tinyExperiment "good" ""
    + $"experiment bad extends good {{\n  {mistake}\n}}\ncampaign c {{ experiments = [good, bad] }}\nrun c\n{analysis}"

let tests =
    testList "pre-flight" [
        testCase "lem run stops before the first run when a later one could not run" <| fun () ->
            for mistake, analysis, code in
                [ "model = synthetic(\"tinyy\")", "", "LEM1104"
                  "prompts = file(\"data/prompts.jsonl\")", "", "LEM1101"
                  "model = \"models/llama\"", "", "LEM1101"
                  "", "analyze c {\n  export \"results/c.xlsx\"\n}\n", "LEM0253" ] do
                let dir = workDir "preflight-run"
                write dir "c.lem" (campaignWith mistake analysis) |> ignore
                let o = run dir [ "run"; "c.lem" ]
                Expect.equal o.ExitCode 1 $"exit 1 ({mistake}{analysis}): {o.All}"
                Expect.equal (codes o) [ "error " + code ] o.Stderr
                Expect.isEmpty (runFolders (Path.Combine(dir, "results"))) "nothing ran"
                expectNoStackTrace o
                let checkO = run dir [ "check"; "c.lem" ]
                Expect.equal (checkO.ExitCode, codes checkO) (1, [ "error " + code ]) "lem check finds it too"

        testCase "an export to .xlsx names the formats lem writes" <| fun () ->
            let dir = workDir "preflight-xlsx"
            write dir "x.lem" (tinyExperiment "t" "" + "run t\nanalyze t {\n  export \"paper.xlsx\"\n}\n") |> ignore
            let o = run dir [ "check"; "x.lem" ]
            Expect.equal (errorLines o) [ "x.lem:12:3: error LEM0253: cannot export to 'paper.xlsx': '.xlsx' is not a format lem writes. Remedy: use a file name ending in .csv, .json or .parquet." ] o.Stderr

        testCase "lem check says how many runs each run statement starts" <| fun () ->
            let dir = workDir "preflight-count"
            write dir "s.lem" (tinyExperiment "t" "" + "sweep s from t {\n  batching.batch_size = [1, 2]\n  max_new_tokens = [4, 8, 16]\n}\ncampaign c {\n  experiments = [t, s]\n  cycles = 3\n}\nrun s\nrun c\n") |> ignore
            let o = run dir [ "check"; "s.lem" ]
            expectOk o
            Expect.equal (o.Stdout.Trim().Split('\n') |> Array.map (fun l -> l.TrimEnd()) |> List.ofArray)
                [ "run s (6 experiments): 6 runs"; "run c (7 experiments x 3 cycles): 21 runs" ] o.Stdout
            let plan = run dir [ "plan"; "s.lem" ]
            expectOk plan
            Expect.stringContains plan.Stdout "run c (7 experiments x 3 cycles): 21 runs" "lem plan too"

        testCase "a GPU this machine lacks: a warning for lem check and a dry run, an error for lem run" <| fun () ->
            let dir = workDir "preflight-gpu"
            // no machine this suite runs on has 64 GPUs
            write dir "g.lem" (tinyExperiment "t" "device = \"cuda:63\"" + "run t\n") |> ignore
            let check = run dir [ "check"; "g.lem" ]
            expectOk check
            Expect.equal (codes check) [ "warning LEM1105" ] check.Stderr
            let dry = run dir [ "run"; "--dry-run"; "g.lem" ]
            expectOk dry
            Expect.equal (codes dry) [ "warning LEM1105" ] dry.Stderr
            let o = run dir [ "run"; "g.lem" ]
            Expect.equal (o.ExitCode, codes o) (1, [ "error LEM1105" ]) o.Stderr
            Expect.stringContains o.Stderr "g.lem:8:3" "at the device assignment"
            Expect.isEmpty (runFolders (Path.Combine(dir, "results"))) "nothing ran"

        testCase "an empty campaign is an error, not a silent exit 0" <| fun () ->
            let dir = workDir "preflight-empty"
            write dir "e.lem" "campaign c { experiments = [] }\nrun c\n" |> ignore
            let o = run dir [ "run"; "e.lem" ]
            Expect.equal (o.ExitCode, errorLines o) (1, [ "e.lem:1:28: error LEM0243: campaign 'c' lists no experiments, so running it would do nothing. Remedy: name the experiments and sweeps it runs: experiments = [a, b]" ]) o.All

        testCase "a sweep value listed twice is an error at the repeat" <| fun () ->
            let dir = workDir "preflight-duplicate"
            write dir "d.lem" (tinyExperiment "t" "" + "sweep s from t {\n  batching.batch_size = [1, 1, 4]\n}\nrun s\n") |> ignore
            let o = run dir [ "run"; "d.lem" ]
            Expect.equal (o.ExitCode, codes o) (1, [ "error LEM0235" ]) o.Stderr
            Expect.stringContains o.Stderr "d.lem:11:29:" "at the second 1"
            Expect.isEmpty (runFolders (Path.Combine(dir, "results"))) "nothing ran"

        testCase "bytes that are not UTF-8: in a script, a YAML config, a prompt file" <| fun () ->
            let dir = workDir "preflight-utf8"
            let bytes (parts: obj list) =
                parts |> List.collect (function :? string as s -> List.ofArray (Encoding.UTF8.GetBytes s) | :? byte as b -> [ b ] | _ -> []) |> Array.ofList
            File.WriteAllBytes(Path.Combine(dir, "s.lem"), bytes [ "experiment a {\n  # caf"; 0xE9uy; "\n}\n" ])
            let o = run dir [ "check"; "s.lem" ]
            Expect.equal (errorLines o) [ "s.lem:2:8: error LEM0202: not valid UTF-8 (byte 0xE9 at byte offset 22). Remedy: save the file as UTF-8 (iconv -f LATIN1 -t UTF-8, or your editor's \"save with encoding\")." ] o.All
            File.WriteAllBytes(Path.Combine(dir, "c.yaml"), bytes [ "config_name: x\nmodel_name: caf"; 0xE9uy; "\n" ])
            let yaml = run dir [ "check"; "c.yaml" ]
            Expect.equal (yaml.ExitCode, codes yaml) (1, [ "error LEM0202" ]) yaml.All
            Expect.stringContains yaml.Stderr "c.yaml:2:16:" "at the byte"
            File.WriteAllBytes(Path.Combine(dir, "p.txt"), bytes [ "first\ncaf"; 0xE9uy; "\n" ])
            write dir "p.lem" (tinyExperiment "t" "prompts = file(\"p.txt\")" + "run t\n") |> ignore
            let prompts = run dir [ "run"; "p.lem" ]
            Expect.equal (prompts.ExitCode, codes prompts) (1, [ "error LEM1102" ]) prompts.All
            Expect.stringContains prompts.Stderr "p.txt:2:4: not valid UTF-8 (byte 0xE9 at byte offset 9)" "the byte's place in the prompt file"
            Expect.isFalse (prompts.All.Contains "\uFFFD") "no replacement character"

        testCase "a sweep of 20^8 members is refused at once; --max-runs sets the limit" <| fun () ->
            let dir = workDir "preflight-big"
            let list n = [ 1 .. n ] |> List.map string |> String.concat ", "
            let axes = [ "batching.batch_size"; "max_new_tokens"; "min_new_tokens"; "decoder.top_k"; "decoder.seed"; "traffic.seed"; "warmup.count"; "batching.max_tokens_per_batch" ]
            let body n = axes |> List.map (fun a -> $"  {a} = [{list n}]") |> String.concat "\n"
            write dir "big.lem" (tinyExperiment "t" "" + $"sweep big from t {{\n{body 20}\n}}\nrun big\n") |> ignore
            let o = run dir [ "check"; "big.lem" ]
            Expect.equal (o.ExitCode, codes o) (1, [ "error LEM0236" ]) o.All
            Expect.stringContains o.Stderr "25,600,000,000 members" "how many"
            write dir "small.lem" (tinyExperiment "t" "" + "sweep s from t {\n  decoder.seed = [1, 2, 3]\n  traffic.seed = [1, 2, 3, 4]\n}\nrun s\n") |> ignore
            expectOk (run dir [ "check"; "small.lem" ])
            let limited = run dir [ "check"; "--max-runs"; "10"; "small.lem" ]
            Expect.equal (limited.ExitCode, codes limited) (1, [ "error LEM0236" ]) limited.All
            expectOk (run dir [ "plan"; "--max-runs"; "12"; "--json"; "small.lem" ])
            let zero = run dir [ "check"; "--max-runs"; "0"; "small.lem" ]
            Expect.equal zero.ExitCode 1 zero.All
            Expect.stringContains zero.Stderr "--max-runs 0" "names the flag"
            expectNoStackTrace zero

        testCase "an inheritance chain of 20,000 experiments is an error, not a stack overflow" <| fun () ->
            let dir = workDir "preflight-chain"
            let lines = [ for k in 0 .. 20_000 -> if k = 20_000 then $"experiment e{k} {{}}" else $"experiment e{k} extends e{k + 1} {{}}" ]
            write dir "chain.lem" (String.concat "\n" lines) |> ignore
            let o = run dir [ "check"; "chain.lem" ]
            Expect.equal o.ExitCode 1 "exit 1, not 134"
            Expect.stringContains o.Stderr "error LEM0203" "too deep"
            expectNoStackTrace o
    ]
