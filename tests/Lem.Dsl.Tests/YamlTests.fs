module Lem.Dsl.Tests.YamlTests

open System.IO
open Expecto
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Checker
open Lem.Dsl.Yaml
open Lem.Dsl.Tests.Helpers

let private checkYaml (files: (string * string) list) (path: string) =
    YamlLoader.check (optionsWith files) (Path.Combine("/mem", path))

let tests =
    testList "yaml" [
        testCase "original keys map to parameters with file:line provenance" <| fun () ->
            let yaml =
                "config_name: my-exp\nmodel_name: /models/llama\nfp_precision: bfloat16\nmax_output_tokens: 64\nmax_input_tokens: 128\nnum_input_prompts: 10\n"
                + "batching_options:\n  batch_size: 8\n  strategy: sorted_dynamic\ndecoder_config:\n  temperature: 0.7\n  top_k: 50\ngpus: [0]\nnum_cycles: 3\n"
                + "latency_simulation:\n  enabled: true\n  target_qps: 2.5\n  seed: 4\n"
            let p = checkYaml [ "x.yaml", yaml ] "x.yaml"
            Expect.isEmpty (errors p) (dump p)
            let e = "my_exp"
            Expect.equal (valueOf p e "precision") "bf16" "precision"
            Expect.equal (valueOf p e "model") "\"/models/llama\"" "model"
            Expect.equal (valueOf p e "max_new_tokens") "64" "max tokens"
            Expect.equal (valueOf p e "prompts") "synthetic(count = 10, input_tokens = 128)" "prompts"
            Expect.equal (valueOf p e "batching.batch_size") "8" "batch size"
            Expect.equal (valueOf p e "batching.strategy") "sorted_dynamic" "strategy"
            Expect.equal (valueOf p e "decoder.temperature") "0.7" "temperature"
            Expect.equal (valueOf p e "device") "\"cuda:0\"" "device"
            Expect.equal (valueOf p e "cycles") "3" "cycles"
            Expect.equal (valueOf p e "traffic.mode") "poisson" "enabled without mode: poisson"
            Expect.equal (valueOf p e "traffic.qps") "2.5" "qps"
            Expect.equal (fromOf p e "batching.batch_size") "x.yaml:8" "provenance"
        testCase "unknown key is an error at its line and column, with did you mean" <| fun () ->
            let p = checkYaml [ "x.yaml", "config_name: a\nbatching_options:\n  batch_sizee: 4\n" ] "x.yaml"
            Expect.equal (errorPlaces p) [ "LEM0301", 3, 3 ] (dump p)
            Expect.stringContains (dump p) "did you mean 'batching_options.batch_size'?" (dump p)
        testCase "keys the original could set but lem cannot honour are LEM0302 errors saying why" <| fun () ->
            let p = checkYaml [ "x.yaml", "config_name: a\nadapter: org/lora\ndecoder_config:\n  no_repeat_ngram_size: 3\n" ] "x.yaml"
            Expect.equal (errorPlaces p |> List.map (fun (c, l, _) -> c, l)) [ "LEM0302", 2; "LEM0302", 4 ] (dump p)
            Expect.stringContains (dump p) "LoRA" (dump p)
            Expect.stringContains (dump p) "n-gram" (dump p)
        testCase "gpus with num_processes: data parallelism over the first n GPUs" <| fun () ->
            let p = checkYaml [ "x.yaml", "config_name: a\ngpu_list: [0, 1, 2]\nnum_processes: 2\n" ] "x.yaml"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "a" "parallel.mode") "data" "mode"
            Expect.equal (valueOf p "a" "parallel.devices") "[\"cuda:0\", \"cuda:1\"]" "devices"
            let tooMany = checkYaml [ "y.yaml", "config_name: a\ngpus: [0]\nnum_processes: 2\n" ] "y.yaml"
            Expect.equal (errorPlaces tooMany) [ "LEM0304", 3, 1 ] (dump tooMany)
        testCase "registry errors point into the YAML" <| fun () ->
            let p = checkYaml [ "x.yaml", "config_name: a\nbatching_options:\n  batch_size: 0\n" ] "x.yaml"
            Expect.equal (errorPlaces p) [ "LEM1003", 3, 3 ] (dump p)
        testCase "_extends merges mappings key by key and replaces scalars and lists" <| fun () ->
            let files =
                [ "configs/base.yaml", "config_name: base\nfp_precision: float32\nbatching_options:\n  batch_size: 2\n  strategy: sorted_static\n"
                  "exp/child.yaml", "_extends: ../configs/base.yaml\nconfig_name: child\nbatching_options:\n  batch_size: 8\n" ]
            let p = checkYaml files "exp/child.yaml"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "child" "batching.batch_size") "8" "child wins"
            Expect.equal (valueOf p "child" "batching.strategy") "sorted_static" "merged key by key"
            Expect.equal (fromOf p "child" "batching.strategy") "configs/base.yaml:5" "provenance in the parent"
            Expect.equal (valueOf p "child" "precision") "fp32" "inherited"
        testCase "_extends cycle" <| fun () ->
            let files = [ "a.yaml", "_extends: b.yaml\n"; "b.yaml", "_extends: a.yaml\n" ]
            let p = checkYaml files "a.yaml"
            Expect.contains (codes p) "LEM0303" (dump p)
        testCase "YAML syntax error is a diagnostic" <| fun () ->
            let p = checkYaml [ "x.yaml", "config_name: [a\n" ] "x.yaml"
            Expect.contains (codes p) "LEM0300" (dump p)
        testCase "never throws on mutated configs" <| fun () ->
            let sources =
                [ for f in Directory.GetFiles(Path.Combine(repoRoot, "configs"), "*.yaml") -> File.ReadAllText f
                  for f in Directory.GetFiles(Path.Combine(repoRoot, "tests", "Lem.Dsl.Tests", "original-configs"), "*.yaml", SearchOption.AllDirectories) -> File.ReadAllText f ]
            let random = System.Random(7)
            for i in 1 .. 300 do
                let text = sources[i % sources.Length]
                let chars = System.Text.StringBuilder(text)
                for _ in 1 .. random.Next(1, 5) do
                    let at = random.Next(chars.Length)
                    match random.Next 3 with
                    | 0 -> chars.Remove(at, 1) |> ignore
                    | 1 -> chars.Insert(at, ":- [{#&*!\"\n "[random.Next 12]) |> ignore
                    | _ -> chars.Insert(at, chars.ToString(at, min 10 (chars.Length - at))) |> ignore
                let p = checkYaml [ "f.yaml", chars.ToString() ] "f.yaml"
                Expect.isFalse (codes p |> List.contains "LEM0001") (dump p)
        testCase "convert prints .lem that checks to the same values" <| fun () ->
            let repoConfigs = Path.Combine(repoRoot, "configs")
            let options = { defaultOptions registry with Files = Imports.diskFiles repoConfigs }
            let yamlPath = Path.Combine(repoConfigs, "original-llenergymeasure-fp16.yaml")
            let fromYaml = YamlLoader.check options yamlPath
            Expect.isFalse fromYaml.HasErrors (dump fromYaml)
            match YamlLoader.convert options yamlPath with
            | Error ds -> failwithf "%A" ds
            | Ok lem ->
                let fromLem = checkText options (Path.Combine(repoConfigs, "converted.lem")) lem
                Expect.isFalse fromLem.HasErrors (dump fromLem + "\n" + lem)
                let values (p: CheckedProgram) = p.Experiments |> Map.toList |> List.map (fun (n, e) -> n, e.Values |> Seq.map (fun kv -> kv.Key, kv.Value.Value.ToString()) |> List.ofSeq |> List.sort)
                Expect.equal (values fromLem) (values fromYaml) lem
                Expect.equal (valueOf fromYaml "original_tiny_fp16_poisson" "traffic.mode") "poisson" "enabled: true"
                Expect.equal (valueOf fromYaml "original_tiny_fp16_poisson" "batching.strategy") "sorted_static" "from the parent"
    ]
