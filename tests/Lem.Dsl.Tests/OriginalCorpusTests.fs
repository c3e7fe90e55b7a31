/// Real config files of the original LLenergyMeasure (original-configs/, where each comes from is in its README):
/// each is either accepted with the original's meaning (spot-checked below, converted to .lem that checks to the same
/// values, its defaults marked) or refused only with LEM0302 naming what lem cannot do.
module Lem.Dsl.Tests.OriginalCorpusTests

open System.IO
open Expecto
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Yaml
open Lem.Dsl.Tests.Helpers

let private corpus = Path.Combine(repoRoot, "tests", "Lem.Dsl.Tests", "original-configs")

let private options = { Checker.defaultOptions registry with Files = Imports.diskFiles corpus }

let private files =
    Directory.GetFiles(corpus, "*.yaml", SearchOption.AllDirectories)
    |> Array.map (fun f -> Path.GetRelativePath(corpus, f).Replace('\\', '/'))
    |> Array.sort
    |> List.ofArray

/// Files lem refuses, and the capability each lacks (a word of the LEM0302 message).
let private refused =
    Map.ofList
        [ "v1-early/decoder_presets.yaml", "n-gram repetition blocking"
          "v1-early/test_all_decoder_params.yaml", "n-gram repetition blocking"
          "v1-early/test_lora.yaml", "LoRA"
          "v1-early/example_pytorch.yaml", "local files only"
          "v1-early/tensorrt_basic_fp16.yaml", "cannot take (lem has no tokenizer for it)"
          "v1-early/tensorrt_tensor_parallel.yaml", "does not quantize for TensorRT-LLM"
          "v1-late/pytorch_example.yaml", "local files only"
          "v1-late/vllm_example.yaml", "local files only"
          "v1-late/tensorrt_example.yaml", "local files only"
          "v1-late/parallelism_test_pytorch.yaml", "local files only"
          "v1-late/vllm_base.yaml", "local files only"
          "v1-late/campaign_example.yaml", "local files only"
          "v1-late/campaign_grid.yaml", "local files only"
          "v1-late/uat_campaign.yaml", "local files only"
          "v2/experiment-pytorch.yaml", "local files only"
          "v2/experiment-vllm.yaml", "local files only"
          "v2/study-realistic.yaml", "local files only"
          "v2/study-reference.yaml", "local files only" ]

/// Resolved values of accepted files, as the original tool would have run them.
let private expected =
    [ "v1-early/test_tiny.yaml", "test_tinyllama",
      [ "precision", "fp16"; "prompts", "synthetic(count = 4, input_tokens = 32)"; "max_new_tokens", "16"; "decoder.temperature", "1"; "decoder.top_k", "50"; "batching.batch_size", "2" ]
      "v1-early/decoder_creative.yaml", "decoder_creative_override",
      [ "precision", "fp16"; "decoder.temperature", "1.2"; "decoder.top_p", "0.9"; "decoder.repetition_penalty", "1.1"; "decoder.top_k", "50"
        "max_new_tokens", "128"; "prompts", "synthetic(count = 1, input_tokens = 512)" ]
      "v1-early/decoder_deterministic.yaml", "decoder_deterministic", [ "decoder.temperature", "0"; "precision", "fp16"; "max_new_tokens", "64" ]
      "v1-early/combined_full_features.yaml", "full_feature_test",
      [ "decoder.temperature", "0.75"; "decoder.top_p", "0.95"; "decoder.repetition_penalty", "1.05"; "batching.strategy", "sorted_dynamic"
        "traffic.mode", "poisson"; "traffic.qps", "2"; "decoder.seed", "42"; "precision", "fp16" ]
      "v1-early/grid_base_temperature_0_0_top_k_100.yaml", "grid_base_temperature_0_0_top_k_100",
      [ "decoder.temperature", "0"; "decoder.top_k", "100"; "precision", "fp16"; "max_new_tokens", "32"; "prompts", "synthetic(count = 1, input_tokens = 64)" ]
      "v1-early/sharding_pipeline.yaml", "sharding_pipeline", [ "parallel.mode", "pipeline"; "parallel.devices", "[\"cuda:0\", \"cuda:1\"]" ]
      "v1-early/sharding_tensor_parallel.yaml", "sharding_tensor_parallel", [ "parallel.mode", "tensor"; "parallel.devices", "[\"cuda:0\", \"cuda:1\"]"; "precision", "fp16" ]
      "v1-early/pytorch_test.yaml", "pytorch_backend_test",
      [ "backend", "torchsharp"; "torchsharp.attention", "sdpa"; "decoder.temperature", "0"; "prompts", "synthetic(count = 5, input_tokens = 64)"; "max_new_tokens", "32" ]
      "v1-early/vllm_test.yaml", "vllm_backend_test",
      [ "backend", "vllm"; "precision", "fp16"; "vllm.max_num_seqs", "64"; "vllm.enable_prefix_caching", "true"; "vllm.enable_chunked_prefill", "false"; "decoder.temperature", "0" ]
      "v2/sigint_study.yaml", "sigint_test_experiment_1",
      [ "precision", "bf16"; "max_new_tokens", "32"; "prompts", "synthetic(count = 10, input_tokens = 512)"; "warmup.count", "0"; "baseline.duration", "0s" ] ]

let private check (file: string) = YamlLoader.check options (Path.Combine(corpus, file))

let tests =
    testList "original corpus" [
        testCase "the corpus holds 20 to 30-odd real configs of every schema, with a README saying where each came from" <| fun () ->
            Expect.isGreaterThanOrEqual files.Length 20 "enough files"
            let readme = File.ReadAllText(Path.Combine(corpus, "README.md"))
            for f in files do Expect.stringContains readme f (f + " in the README")

        for file in files do
            testCase $"{file}: accepted with the original's meaning, or refused only with LEM0302" <| fun () ->
                let p = check file
                let errs = errors p
                match refused.TryFind file with
                | Some capability ->
                    Expect.isNonEmpty errs (file + " is refused")
                    // every error is LEM0302, save lem's checker restating one: a backend without a tokenizer cannot
                    // take the synthetic prompts written for a config that names no local dataset
                    for d in errs do
                        Expect.isTrue (d.Code = "LEM0302" || (d.Code = "LEM1005" && d.Message.Contains "no tokenizer")) (SyntaxDiagnostic.render d)
                    Expect.isTrue (errs |> List.exists (fun d -> d.Code = "LEM0302" && d.Message.Contains capability)) (dump p)
                | None ->
                    Expect.isEmpty errs (dump p)
                    match YamlLoader.convert options (Path.Combine(corpus, file)) with
                    | Error ds -> failwithf "%s" (ds |> List.map SyntaxDiagnostic.render |> String.concat "\n")
                    | Ok text ->
                        Expect.stringContains text "# original default" "the defaults' origins are shown"
                        let lemPath = Path.Combine(corpus, Path.ChangeExtension(file, ".lem"))
                        let fromLem = Checker.checkText options lemPath text
                        Expect.isEmpty (errors fromLem) (dump fromLem + "\n" + text)
                        let values (p: CheckedProgram) =
                            p.Experiments |> Map.toList |> List.map (fun (n, e) -> n, e.Values |> Seq.map (fun kv -> kv.Key, kv.Value.Value.ToString()) |> List.ofSeq |> List.sort)
                        Expect.equal (values fromLem) (values p) text

        testCase "spot checks: precision, decoder, tokens and prompts as the original ran them" <| fun () ->
            for (file, experiment, values) in expected do
                let p = check file
                Expect.isEmpty (errors p) (file + "\n" + dump p)
                Expect.isTrue (p.Experiments.ContainsKey experiment) $"{file} defines {experiment}"
                let resolved = Checker.fullValues registry p.Experiments[experiment]
                for (parameter, value) in values do
                    let actual = match resolved.TryGetValue parameter with | true, v -> v.Value.ToString() | _ -> "(unset)"
                    Expect.equal actual value $"{file}: {parameter}"
    ]
