/// lem model synth | presets, lem flops, lem env, --help of every command.
module Lem.Cli.Tests.ModelTests

open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem

let private hasNvidiaDevice = File.Exists "/dev/nvidiactl"

let tests =
    testList "model, flops, env, help" [
        testCase "model synth writes a Hugging Face folder; the same seed writes the same bytes" <| fun () ->
            let dir = workDir "synth"
            let o = run dir [ "model"; "synth"; "--arch"; "llama"; "--preset"; "tiny"; "--seed"; "1"; "--out"; "m1" ]
            expectOk o
            let m1 = Path.Combine(dir, "m1")
            for file in [ "config.json"; "model.safetensors"; "generation_config.json"; "tokenizer_config.json" ] do
                Expect.isTrue (File.Exists(Path.Combine(m1, file))) $"{file} written"
            Expect.isTrue (File.Exists(Path.Combine(m1, "tokenizer.json")) || File.Exists(Path.Combine(m1, "vocab.json"))) "tokenizer files"
            use config = JsonDocument.Parse(File.ReadAllText(Path.Combine(m1, "config.json")))
            let architectures = config.RootElement.GetProperty "architectures"
            Expect.equal (architectures[0].GetString()) "LlamaForCausalLM" "architectures"
            expectOk (run dir [ "model"; "synth"; "--arch"; "llama"; "--preset"; "tiny"; "--seed"; "1"; "--out"; "m2" ])
            let bytes name f = File.ReadAllBytes(Path.Combine(dir, name, f))
            Expect.isTrue (bytes "m1" "model.safetensors" = bytes "m2" "model.safetensors") "same seed, same weights"

        testCase "model synth refuses a non-empty folder" <| fun () ->
            let dir = workDir "synth-exists"
            write dir "m/keep.txt" "mine" |> ignore
            let o = run dir [ "model"; "synth"; "--arch"; "llama"; "--preset"; "tiny"; "--out"; "m" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.equal (File.ReadAllText(Path.Combine(dir, "m", "keep.txt"))) "mine" "nothing lost"
            expectNoStackTrace o

        testCase "model synth of an unknown preset is one line" <| fun () ->
            let o = run (workDir "synth-bad") [ "model"; "synth"; "--arch"; "llama"; "--preset"; "huge"; "--out"; "m" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "huge" "names the preset"
            expectNoStackTrace o

        testCase "model presets lists the presets" <| fun () ->
            let o = run (workDir "presets") [ "model"; "presets" ]
            expectOk o
            for name in [ "tiny"; "llama-3.2-1b"; "qwen3-0.6b"; "gpt2" ] do Expect.stringContains o.Stdout name name

        testCase "model without a command prints usage" <| fun () ->
            let o = run (workDir "model-none") [ "model" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            expectNoStackTrace o

        testCase "model probe --tensor gives one device's greedy tokens and names the split" <| fun () ->
            let dir = workDir "probe-tensor"
            let model = tinyModel.Force()
            write dir "prompts.json" """{"prompts": [[5, 6, 7, 8, 9], [40, 41]]}""" |> ignore
            expectOk (run dir [ "model"; "probe"; "--model"; model; "--prompt-file"; "prompts.json"; "--new-tokens"; "8"; "--out"; "one.json" ])
            expectOk (run dir [ "model"; "probe"; "--model"; model; "--tensor"; "cpu,cpu"; "--prompt-file"; "prompts.json"; "--new-tokens"; "8"; "--out"; "two.json" ])
            use one = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "one.json")))
            use two = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "two.json")))
            for mode in [ "batched"; "unbatched" ] do
                let tokens (d: JsonDocument) = d.RootElement.GetProperty(mode).GetProperty("tokens").GetRawText()
                Expect.equal (tokens two) (tokens one) $"{mode} greedy tokens"
            Expect.equal (two.RootElement.GetProperty("tensor_split").GetString()) "cpu:heads 0-1 kv 0-0,cpu:heads 2-3 kv 1-1" "the split"
            Expect.stringContains (two.RootElement.GetProperty("tensor_reduce").GetString()) "in-process" "the sum"
            Expect.equal (one.RootElement.GetProperty("tensor_split").ValueKind) JsonValueKind.Null "no split on one device"
            let both = run dir [ "model"; "probe"; "--model"; model; "--tensor"; "cpu,cpu"; "--pipeline"; "cpu,cpu"; "--prompt-file"; "prompts.json"; "--out"; "x.json" ]
            Expect.notEqual both.ExitCode 0 "--tensor with --pipeline is refused"
            Expect.stringContains both.Stderr "give one of them" "the remedy"
            expectNoStackTrace both

        testCase "flops text and --json" <| fun () ->
            let dir = workDir "flops"
            let model = tinyModel.Force()
            let o = run dir [ "flops"; "--model"; model; "--prompt-tokens"; "128"; "--new-tokens"; "128"; "--batch"; "8" ]
            expectOk o
            Expect.stringContains o.Stdout "analytical" "analytical FLOPs"
            Expect.stringContains o.Stdout "parameter-based" "parameter-based FLOPs"
            let j = run dir [ "flops"; "--model"; model; "--prompt-tokens"; "128"; "--new-tokens"; "128"; "--batch"; "8"; "--json" ]
            expectOk j
            use doc = JsonDocument.Parse j.Stdout
            let root = doc.RootElement
            Expect.equal (root.GetProperty("workload").GetProperty("batch").GetInt32()) 8 "batch"
            Expect.equal (root.GetProperty("workload").GetProperty("output_tokens").GetInt64()) 1024L "8 x 128 output tokens"
            Expect.isGreaterThan (root.GetProperty("parameters").GetProperty("total").GetInt64()) 1000000L "parameters"
            let a = root.GetProperty "analytical"
            Expect.equal (a.GetProperty("total_flops").GetInt64()) (a.GetProperty("prefill_flops").GetInt64() + a.GetProperty("decode_flops").GetInt64()) "total = prefill + decode"

        testCase "flops of a missing model folder is one line" <| fun () ->
            let o = run (workDir "flops-missing") [ "flops"; "--model"; "nomodel"; "--prompt-tokens"; "1"; "--new-tokens"; "1" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "nomodel" "names it"
            expectNoStackTrace o

        testCase "env says CPU/RAM are estimated and why the GPU meter is unavailable" <| fun () ->
            let o = run (workDir "env") [ "env" ]
            expectOk o
            Expect.stringContains o.Stdout "Meters" "meter health"
            Expect.stringContains o.Stdout "cpu-estimate" "CPU estimate"
            Expect.stringContains o.Stdout "ram-estimate" "RAM estimate"
            if not hasNvidiaDevice then
                Expect.stringContains o.Stdout "estimated" "CPU/RAM are estimated"
                Expect.stringContains o.Stdout "nvml" "the GPU meter"
                Expect.stringContains o.Stdout "libnvidia-ml" "why NVML is unavailable"
            let j = run (workDir "env-json") [ "env"; "--json" ]
            expectOk j
            use doc = JsonDocument.Parse j.Stdout
            Expect.isGreaterThan (doc.RootElement.GetProperty("meters").GetArrayLength()) 0 "meters as JSON"
            // the names result records use (environment.dotnet, meters[].meter)
            let environment = doc.RootElement.GetProperty "environment"
            let firstMeter = (doc.RootElement.GetProperty "meters")[0]
            Expect.equal (environment.GetProperty "dotnet").ValueKind JsonValueKind.String "dotnet, as in records"
            Expect.equal (firstMeter.GetProperty "meter").ValueKind JsonValueKind.String "meter, as in records"
            let source = doc.RootElement.GetProperty("carbon_intensity").GetProperty("source")
            Expect.equal source.ValueKind JsonValueKind.String "an enum is written as text, not as an integer"
            Expect.equal (source.GetString()) "unavailable" "kebab-case, as in result records"

        testCase "env --device cuda:0 says why the GPU meter is unavailable" <| fun () ->
            let o = run (workDir "env-cuda") [ "env"; "--device"; "cuda:0" ]
            expectOk o
            if not hasNvidiaDevice then
                Expect.stringContains o.Stdout "unavailable  nvml: NVML library libnvidia-ml.so.1 not found. Remedy:" "reason and remedy"

        testCase "env --device of an unknown device is one line" <| fun () ->
            let o = run (workDir "env-bad") [ "env"; "--device"; "gpu" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "cuda:N" "the remedy"
            expectNoStackTrace o

        testCase "env --sampler-overhead without a GPU, and an odd --throughput-rounds, are one line each" <| fun () ->
            if not hasNvidiaDevice then
                let o = run (workDir "env-overhead") [ "env"; "--device"; "cpu"; "--sampler-overhead"; "1" ]
                Expect.notEqual o.ExitCode 0 "non-zero exit"
                Expect.equal (errorLines o).Length 1 "one line"
                Expect.stringContains o.Stderr "needs NVML and a GPU" "why"
                expectNoStackTrace o
            let r = run (workDir "env-rounds") [ "env"; "--sampler-overhead"; "1"; "--throughput-rounds"; "3" ]
            Expect.notEqual r.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines r).Length 1 "one line"
            Expect.stringContains r.Stderr "even number of rounds" "the remedy"
            expectNoStackTrace r

        testCase "--version" <| fun () ->
            let o = run (workDir "version") [ "--version" ]
            expectOk o
            Expect.stringStarts o.Stdout "lem " "lem VERSION"

        testCase "every command has --help" <| fun () ->
            let dir = workDir "help"
            let top = run dir [ "--help" ]
            expectOk top
            let commands = [ "run"; "check"; "plan"; "explain"; "repl"; "experiment"; "config"; "model"; "results"; "flops"; "env"; "report"; "status" ]
            for c in commands do Expect.stringContains top.Stdout $"    {c} " $"lem --help lists {c}"
            let nested = [ [ "config"; "params" ]; [ "config"; "convert" ]; [ "model"; "synth" ]; [ "results"; "show" ]; [ "results"; "export" ] ]
            for path in (commands |> List.map List.singleton) @ nested do
                let o = run dir (path @ [ "--help" ])
                expectOk o
                let name = String.concat " " path
                Expect.stringStarts o.Stdout $"USAGE: lem {name} " $"lem {name} --help"

        testCase "an unknown command or option is usage on stderr and exit 2" <| fun () ->
            let o = run (workDir "unknown") [ "rnu" ]
            Expect.equal o.ExitCode 2 "exit 2"
            Expect.stringContains o.Stderr "rnu" "names it"
            let o2 = run (workDir "unknown") [ "run"; "--frsh"; "x.lem" ]
            Expect.equal o2.ExitCode 2 "exit 2"
            expectNoStackTrace o2
    ]
