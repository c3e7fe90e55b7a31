/// The original tool's YAML read with the original's meaning: its defaults for what a file leaves out (origin
/// "original default"), its decoder presets, keys that do nothing accepted, keys that map mapped (through the backend
/// modules' original names where they are a backend's business), campaign and study files as campaigns.
module Lem.Dsl.Tests.OriginalConfigTests

open Expecto
open Lem.Dsl.Syntax
open Lem.Dsl.Yaml
open Lem.Dsl.Tests.Helpers

let private checkFiles (files: (string * string) list) (path: string) =
    YamlLoader.check (optionsWith files) (System.IO.Path.Combine("/mem", path))

let private checkYaml (text: string) = checkFiles [ "x.yaml", text ] "x.yaml"

let private hasNote (p: Lem.Dsl.Checker.CheckedProgram) (line: int) (text: string) =
    p.Diagnostics |> List.exists (fun d -> d.Range.StartLine = line && d.Message.Contains text)

let private convert (files: (string * string) list) (path: string) =
    match YamlLoader.convert (optionsWith files) (System.IO.Path.Combine("/mem", path)) with
    | Ok text -> text
    | Error ds -> failwithf "%s" (ds |> List.map SyntaxDiagnostic.render |> String.concat "\n")

let tests =
    testList "original configs" [
        testCase "what a v1 config leaves out takes the original's defaults, each with the origin 'original default'" <| fun () ->
            let p = checkYaml "config_name: bare\nmodel_name: /models/llama\n"
            Expect.isEmpty (errors p) (dump p)
            let expected =
                [ "precision", "fp16"; "max_new_tokens", "128"; "min_new_tokens", "0"; "backend", "torchsharp"; "device", "\"cuda:0\""
                  "prompts", "synthetic(count = 1, input_tokens = 512)"; "decoder.temperature", "1"; "decoder.top_k", "50"
                  "decoder.top_p", "1"; "decoder.repetition_penalty", "1"; "decoder.min_p", "0"; "batching.batch_size", "1"
                  "batching.strategy", "static"; "torchsharp.attention", "sdpa" ]
            for (parameter, value) in expected do
                Expect.equal (valueOf p "bare" parameter) value parameter
                Expect.equal (fromOf p "bare" parameter) "original default" (parameter + " origin")
            Expect.equal (fromOf p "bare" "model") "x.yaml:2" "written values keep their line"
            Expect.isTrue (hasNote p 1 "the original tool's defaults") (dump p)
            Expect.isTrue (hasNote p 1 "no dataset") "the synthetic prompts are said"

        testCase "a v2 config takes the v2 defaults (bf16, 100 prompts, seed 42, 5 warm-up prompts, 30 s baseline)" <| fun () ->
            let p = checkYaml "model: gpt2\n"
            Expect.isEmpty (errors p) (dump p)
            for (parameter, value) in
                [ "precision", "bf16"; "prompts", "synthetic(count = 100, input_tokens = 512)"; "decoder.seed", "42"
                  "warmup.mode", "fixed"; "warmup.count", "5"; "baseline.duration", "30s"; "decoder.temperature", "1"; "decoder.top_k", "50" ] do
                Expect.equal (valueOf p "x" parameter) value parameter
                Expect.equal (fromOf p "x" parameter) "original default" (parameter + " origin")

        testCase "v1.3 (schema_version 3.0.0) defaults: CV warm-up up to 50 prompts, 30 s baseline, no time series" <| fun () ->
            let p = checkYaml "schema_version: '3.0.0'\nconfig_name: a\nmodel_name: m\n"
            Expect.isEmpty (errors p) (dump p)
            for (parameter, value) in
                [ "warmup.mode", "until_stable"; "warmup.count", "50"; "warmup.window", "5"; "warmup.cv_threshold", "0.05"
                  "baseline.duration", "30s"; "measurement.time_series", "false" ] do
                Expect.equal (valueOf p "a" parameter) value parameter

        testCase "the original's decoder presets, explicit keys on top, the rest from its defaults" <| fun () ->
            let preset schema name extra =
                checkYaml (sprintf "%sconfig_name: a\nmodel_name: m\ndecoder:\n  preset: %s\n%s" schema name extra)
            let creative = preset "" "creative" ""
            Expect.isEmpty (errors creative) (dump creative)
            for (parameter, value) in [ "decoder.temperature", "0.8"; "decoder.top_p", "0.9"; "decoder.repetition_penalty", "1.1"; "decoder.top_k", "50" ] do
                Expect.equal (valueOf creative "a" parameter) value ("creative " + parameter)
            Expect.equal (fromOf creative "a" "decoder.temperature") "x.yaml:4" "from the preset's line"
            Expect.equal (fromOf creative "a" "decoder.top_k") "original default" "not in the preset"
            let factualEarly = preset "" "factual" ""
            Expect.equal (valueOf factualEarly "a" "decoder.temperature") "0.3" "factual"
            Expect.equal (valueOf factualEarly "a" "decoder.top_k") "10" "factual's top_k until 2026-01-22"
            let factualLate = preset "schema_version: '3.0.0'\n" "factual" ""
            Expect.equal (valueOf factualLate "a" "decoder.top_k") "50" "factual without top_k from 2026-01-23"
            let standard = preset "" "standard" ""
            Expect.equal (valueOf standard "a" "decoder.top_p") "0.95" "standard"
            let overridden = preset "" "creative" "  temperature: 1.2\n"
            Expect.equal (valueOf overridden "a" "decoder.temperature") "1.2" "explicit key wins"
            Expect.equal (valueOf overridden "a" "decoder.top_p") "0.9" "the preset's other values stay"
            let deterministic = preset "" "deterministic" ""
            Expect.equal (valueOf deterministic "a" "decoder.temperature") "0" "greedy"
            let unknown = preset "" "wild" ""
            Expect.equal (errorPlaces unknown) [ "LEM0304", 4, 11 ] (dump unknown)

        testCase "do_sample: false is greedy decoding whatever the temperature" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\ndecoder_config:\n  temperature: 0.7\n  do_sample: false\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "a" "decoder.temperature") "0" "greedy"

        testCase "keys whose values do nothing are accepted (a config the original saved)" <| fun () ->
            let saved =
                "config_name: saved\nmodel_name: m\nis_encoder_decoder: false\ntask_type: text_generation\ninference_type: pure_generative\n"
                + "max_input_tokens: 64\nmax_output_tokens: 32\nmin_output_tokens: 0\nnum_input_prompts: 1\nsave_outputs: false\ndecode_token_to_text: false\n"
                + "prompt_source: null\ngpu_list:\n- 0\nnum_processes: 1\nbatching_options:\n  batch_size: 1\n  strategy: static\n  max_tokens_per_batch: null\n  dynamic_batching: false\n"
                + "sharding_config:\n  strategy: none\n  num_shards: 1\nlatency_simulation:\n  enabled: false\n  mode: poisson\n  target_qps: 1.0\n  seed: null\n"
                + "decoder_config:\n  temperature: 0.0\n  do_sample: false\n  top_p: 1.0\n  top_k: 100\n  min_p: 0.0\n  repetition_penalty: 1.0\n  no_repeat_ngram_size: 0\n  preset: deterministic\n"
                + "quantization_config:\n  quantization: false\n  load_in_4bit: false\n  load_in_8bit: false\n  bnb_4bit_compute_dtype: float16\n  bnb_4bit_quant_type: nf4\n  bnb_4bit_use_double_quant: false\n"
                + "schedule_config:\n  enabled: false\n  interval: null\n  at: null\n  days: null\n  total_duration: 24h\n"
                + "fp_precision: float16\nbackend: pytorch\ncycle_id: null\nnum_cycles: 1\nquery_rate: 1.0\nrandom_seed: null\nextra_metadata: {}\n"
            let p = checkYaml saved
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "saved" "decoder.top_k") "100" "explicit top_k over the preset"
            Expect.equal (valueOf p "saved" "decoder.temperature") "0" "deterministic"
            Expect.isFalse (p.Experiments["saved"].Values.ContainsKey "quantization") "quantization: false sets nothing (lem's none)"
            Expect.equal (valueOf p "saved" "prompts") "synthetic(count = 1, input_tokens = 64)" "one prompt"

        testCase "values that do something lem cannot do are refused with LEM0302 and the reason" <| fun () ->
            let p =
                checkYaml
                    ("config_name: a\nmodel_name: m\ndecoder_config:\n  no_repeat_ngram_size: 3\nadapter: org/lora\n"
                     + "pytorch:\n  torch_compile: reduce-overhead\n  attn_implementation: flash_attention_2\n  use_cache: false\n")
            Expect.equal (errorPlaces p |> List.map (fun (c, l, _) -> c, l)) [ "LEM0302", 4; "LEM0302", 5; "LEM0302", 7; "LEM0302", 8; "LEM0302", 9 ] (dump p)
            Expect.stringContains (dump p) "write attn_implementation: sdpa" "the remedy"

        testCase "max_output_tokens and max_new_tokens both set max_new_tokens; the second with a warning that the original ignored it" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\nmax_new_tokens: 64\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "a" "max_new_tokens") "64" "mapped"
            Expect.isTrue (p.Diagnostics |> List.exists (fun d -> d.Range.StartLine = 3 && d.Message.Contains "did not read this key")) (dump p)
            Expect.isFalse ((dump p).Contains "did you mean") "not an unknown key"
            let both = checkYaml "config_name: a\nmodel_name: m\nmax_output_tokens: 32\nmax_new_tokens: 64\n"
            Expect.equal (valueOf both "a" "max_new_tokens") "32" "the original's key wins"

        testCase "sharding maps to parallel.mode over the listed GPUs; a server backend's own tensor parallel size" <| fun () ->
            let pipeline = checkYaml "config_name: a\nmodel_name: m\ngpus: [0, 1, 2]\nsharding:\n  strategy: pipeline_parallel\n  num_shards: 2\n"
            Expect.isEmpty (errors pipeline) (dump pipeline)
            Expect.equal (valueOf pipeline "a" "parallel.mode") "pipeline" "mode"
            Expect.equal (valueOf pipeline "a" "parallel.devices") "[\"cuda:0\", \"cuda:1\"]" "devices"
            let tensor = checkYaml "config_name: a\nmodel_name: m\ngpus: [0, 1]\nsharding_config:\n  strategy: tensor_parallel\n  num_shards: 2\n"
            Expect.isEmpty (errors tensor) (dump tensor)
            Expect.equal (valueOf tensor "a" "parallel.mode") "tensor" "torchsharp's tensor split"
            let llama = checkYaml "config_name: a\nmodel_name: m\nbackend: llamacpp\ngpus: [0, 1]\nsharding_config:\n  strategy: tensor_parallel\n  num_shards: 2\n"
            Expect.equal (errorPlaces llama |> List.filter (fun (c, _, _) -> c = "LEM0302")) [ "LEM0302", 6, 3 ] (dump llama)
            Expect.stringContains (dump llama) "its parallel modes" (dump llama)
            let vllm = checkYaml "config_name: a\nmodel_name: m\nbackend: vllm\ngpus: [0, 1]\nsharding_config:\n  strategy: tensor_parallel\n  num_shards: 2\n"
            Expect.isEmpty (errors vllm) (dump vllm)
            Expect.equal (valueOf vllm "a" "vllm.tensor_parallel_size") "2" "the engine's own size"
            Expect.equal (valueOf vllm "a" "device") "\"cuda:0\"" "its first GPU"
            let processes = checkYaml "schema_version: '3.0.0'\nconfig_name: a\nmodel_name: m\ngpus: [0, 1]\npytorch:\n  num_processes: 2\n  batch_size: 4\n"
            Expect.isEmpty (errors processes) (dump processes)
            Expect.equal (valueOf processes "a" "parallel.mode") "data" "num_processes in the pytorch section"
            Expect.equal (valueOf processes "a" "batching.batch_size") "4" "batch size in the pytorch section"

        testCase "pytorch.attn_implementation maps through the backend module's original names" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\npytorch:\n  attn_implementation: eager\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "a" "torchsharp.attention") "eager" "mapped"
            Expect.equal (fromOf p "a" "torchsharp.attention") "x.yaml:4" "where it was written"

        testCase "load_in_8bit and load_in_4bit map to quantization, saying how lem's schemes differ" <| fun () ->
            let eight = checkYaml "config_name: a\nmodel_name: m\nquantization_config:\n  quantization: true\n  load_in_8bit: true\n"
            Expect.isEmpty (errors eight) (dump eight)
            Expect.equal (valueOf eight "a" "quantization") "int8" "8-bit"
            Expect.isTrue (hasNote eight 5 "LLM.int8") (dump eight)
            let four = checkYaml "schema_version: '3.0.0'\nconfig_name: a\nmodel_name: m\npytorch:\n  load_in_4bit: true\n  bnb_4bit_quant_type: nf4\n"
            Expect.equal (valueOf four "a" "quantization") "int4" "4-bit"

        testCase "dataset: a local file becomes prompts = file(...); anything else is refused with LEM0302" <| fun () ->
            let files =
                [ "cfg/x.yaml", "model: m\ndataset: data/prompts.jsonl\nn: 20\ndataset_order: shuffled\n"
                  "cfg/data/prompts.jsonl", "{\"_source\": \"header\"}\n{\"prompt\": \"hi\", \"source\": \"a\"}\n" ]
            let p = checkFiles files "cfg/x.yaml"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "x" "prompts") "file(\"data/prompts.jsonl\", format = jsonl, column = \"prompt\", sample = 20, shuffle = true, seed = 42)" "the file, as the original read it"
            let remote = checkYaml "config_name: a\nmodel_name: m\ndataset:\n  name: ai_energy_score\n  sample_size: 10\n"
            Expect.equal (errorPlaces remote) [ "LEM0302", 4, 3 ] (dump remote)
            Expect.stringContains (dump remote) "local files only" (dump remote)

        testCase "v2's synthetic dataset: n prompts of about input_len / 4 tokens, as the original generated them" <| fun () ->
            let p = checkYaml "model: m\nn: 8\ndataset:\n  n: 8\n  input_len: 256\n  seed: 3\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "x" "prompts") "synthetic(count = 8, input_tokens = 64, seed = 3)" "prompts"

        testCase "the vllm: section maps to the vllm backend's parameters, engine flags it lacks to server.extra_args" <| fun () ->
            let p =
                checkYaml
                    ("config_name: a\nmodel_name: m\nbackend: vllm\ndataset:\n  name: p.jsonl\nvllm:\n  max_num_seqs: 64\n  gpu_memory_utilization: 0.8\n"
                     + "  swap_space: 8.0\n  disable_custom_all_reduce: true\n  cpu_offload_gb: 0.0\n  lora:\n    enabled: false\n    max_rank: 16\n")
            // the dataset is missing here: only that is an error
            Expect.equal (codes (p |> fun p -> { p with Diagnostics = errors p })) [ "LEM0302" ] (dump p)
            let ok = checkFiles [ "x.yaml", "config_name: a\nmodel_name: m\nbackend: vllm\ndataset:\n  name: p.jsonl\nvllm:\n  max_num_seqs: 64\n  swap_space: 8.0\n  disable_custom_all_reduce: true\n"; "p.jsonl", "{\"text\": \"hi\"}\n" ] "x.yaml"
            Expect.isEmpty (errors ok) (dump ok)
            Expect.equal (valueOf ok "a" "vllm.max_num_seqs") "64" "same name"
            Expect.equal (valueOf ok "a" "server.extra_args") "[\"--swap-space\", \"8.0\", \"--disable-custom-all-reduce\"]" "flags"
            Expect.equal (valueOf ok "a" "vllm.enable_prefix_caching") "false" "the original's v1 default"
            Expect.equal (fromOf ok "a" "vllm.enable_prefix_caching") "original default" "origin"
            let v2 = checkFiles [ "x.yaml", "model: m\nbackend: vllm\ndataset: p.jsonl\nvllm:\n  engine:\n    max_num_seqs: 32\n    enforce_eager: true\n  sampling:\n    presence_penalty: 0.0\n"; "p.jsonl", "{\"text\": \"hi\"}\n" ] "x.yaml"
            Expect.isEmpty (errors v2) (dump v2)
            Expect.equal (valueOf v2 "x" "vllm.max_num_seqs") "32" "v2's engine: block"
            Expect.equal (valueOf v2 "x" "vllm.enforce_eager") "true" "v2's engine: block"

        testCase "the tensorrt: section maps to the tensorrt backend's parameters" <| fun () ->
            let p = checkFiles [ "x.yaml", "config_name: a\nmodel_name: m\nbackend: tensorrt\ndataset:\n  name: p.jsonl\ntensorrt:\n  max_batch_size: 16\n  tp_size: 2\n  builder_opt_level: 3\n  quantization:\n    method: none\n"; "p.jsonl", "{\"text\": \"hi\"}\n" ] "x.yaml"
            Expect.isFalse (codes p |> List.exists (fun c -> c = "LEM0301" || c = "LEM0302")) (dump p)
            Expect.equal (valueOf p "a" "tensorrt.max_batch_size") "16" "same name"
            Expect.equal (valueOf p "a" "tensorrt.tensor_parallel_size") "2" "tp_size"

        testCase "a backend's section with another backend is an error, as in the original" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\nbackend: vllm\npytorch:\n  batch_size: 4\n"
            Expect.contains (errorPlaces p) ("LEM0304", 5, 3) (dump p)

        testCase "diagnostics for the original's keys suggest the original's names" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\nmax_output_token: 64\nsharding_config:\n  strategyy: none\npytorch:\n  attn_implementaton: sdpa\n"
            Expect.equal (errorPlaces p) [ "LEM0301", 3, 1; "LEM0301", 5, 3; "LEM0301", 7, 3 ] (dump p)
            Expect.stringContains (dump p) "did you mean 'max_output_tokens'?" (dump p)
            Expect.stringContains (dump p) "did you mean 'sharding_config.strategy'?" (dump p)
            Expect.stringContains (dump p) "did you mean 'pytorch.attn_implementation'?" (dump p)

        testCase "a v1 campaign file: its configs as experiments, execution as the campaign, run" <| fun () ->
            let files =
                [ "c/campaign.yaml", "campaign_name: cmp\nconfigs:\n  - a.yaml\n  - b.yaml\nexecution:\n  cycles: 5\n  structure: shuffled\n  config_gap_seconds: 10\n"
                  "c/a.yaml", "config_name: first\nmodel_name: m\nfp_precision: float32\n"
                  "c/b.yaml", "config_name: second\nmodel_name: m\n" ]
            let p = checkFiles files "c/campaign.yaml"
            Expect.isEmpty (errors p) (dump p)
            let c = p.Campaigns["cmp"]
            Expect.equal c.Experiments [ "first"; "second" ] "its configs"
            Expect.equal c.Cycles 5 "cycles"
            Expect.equal c.Order Lem.Dsl.Checker.Shuffled "order"
            Expect.equal c.Gap (System.TimeSpan.FromSeconds 10.0) "gap"
            Expect.equal c.CycleGap (System.TimeSpan.FromSeconds 300.0) "the original's default cycle gap"
            Expect.equal (valueOf p "first" "precision") "fp32" "each config read"
            Expect.equal (valueOf p "second" "precision") "fp16" "with the original's defaults"
            Expect.isFalse p.Actions.IsEmpty "runs the campaign"

        testCase "a v1 campaign's cold_start.force_cold_start: true is cold_start = true; restart_container: true is refused" <| fun () ->
            let files (coldStart: string) =
                [ "c/campaign.yaml", "campaign_name: cmp\nconfigs:\n  - a.yaml\ncold_start:\n" + coldStart
                  "c/a.yaml", "config_name: first\nmodel_name: m\n" ]
            let p = checkFiles (files "  force_cold_start: true\n  restart_container: false\n") "c/campaign.yaml"
            Expect.isEmpty (errors p) (dump p)
            Expect.isTrue p.Campaigns["cmp"].ColdStart "force_cold_start: true"
            Expect.stringContains (convert (files "  force_cold_start: true\n") "c/campaign.yaml") "cold_start = true" "lem config convert writes it"
            Expect.isFalse (checkFiles (files "  force_cold_start: false\n") "c/campaign.yaml").Campaigns["cmp"].ColdStart "false: warm"
            let refused = checkFiles (files "  restart_container: true\n") "c/campaign.yaml"
            Expect.equal (errorPlaces refused) [ "LEM0302", 5, 3 ] (dump refused)
            Expect.stringContains (dump refused) "force_cold_start: true" "the remedy"

        testCase "a v1 campaign grid: backends x shared axes, each point an experiment extending the base" <| fun () ->
            let p = checkYaml "campaign_name: g\nmodel: m\ngrid:\n  backends: [pytorch, vllm]\n  shared:\n    fp_precision: [float16, bfloat16]\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal p.Campaigns["g"].Experiments.Length 4 "2 x 2"
            Expect.equal (valueOf p "g_vllm_bfloat16" "backend") "vllm" "backend"
            Expect.equal (valueOf p "g_vllm_bfloat16" "precision") "bf16" "axis"
            Expect.equal (valueOf p "g_pytorch_float16" "model") "\"m\"" "the campaign's model"

        testCase "a v2 study: sweep and experiments as a campaign; a preset axis sets every value the preset implies" <| fun () ->
            let study =
                "name: s\nmodel: m\nbackend: pytorch\nsweep:\n  decoder.preset: [deterministic, creative]\n  precision: [fp16]\n"
                + "experiments:\n  - model: other\n    precision: fp32\nexecution:\n  n_cycles: 2\n  cycle_order: sequential\n  experiment_gap_seconds: 5\n"
            let p = checkYaml study
            Expect.isEmpty (errors p) (dump p)
            let c = p.Campaigns["s"]
            Expect.equal c.Experiments [ "s_deterministic_fp16"; "s_creative_fp16"; "s_experiment_1" ] "sweep points, then the explicit experiment"
            Expect.equal c.Cycles 2 "cycles"
            Expect.equal c.Order Lem.Dsl.Checker.Grouped "sequential is lem's grouped"
            Expect.equal (valueOf p "s_creative_fp16" "decoder.temperature") "0.8" "creative"
            Expect.equal (valueOf p "s_creative_fp16" "decoder.repetition_penalty") "1.1" "creative"
            Expect.equal (valueOf p "s_deterministic_fp16" "decoder.temperature") "0" "deterministic"
            Expect.equal (valueOf p "s_experiment_1" "model") "\"other\"" "explicit experiment"
            Expect.equal (valueOf p "s_experiment_1" "precision") "fp32" "explicit experiment"

        testCase "the original's daemon mode becomes a campaign schedule for lem daemon; one that cron cannot say is refused" <| fun () ->
            let atDays = checkYaml "config_name: a\nmodel_name: m\nschedule:\n  enabled: true\n  at: \"09:00\"\n  days: [mon, wed, fri]\n  total_duration: 7d\n"
            Expect.isEmpty (errors atDays) (dump atDays)
            let c = atDays.Campaigns["a_scheduled"]
            Expect.equal c.Schedule (Some "0 9 * * 1,3,5") "at and days"
            Expect.equal c.Cycles 3 "three such days in 7d"
            Expect.equal c.Experiments [ "a" ] "the experiment"
            Expect.isFalse atDays.Actions.IsEmpty "the file runs the campaign"
            let interval = checkYaml "config_name: a\nmodel_name: m\nschedule_config:\n  enabled: true\n  interval: 6h\n  days: weekdays\n"
            Expect.equal interval.Campaigns["a_scheduled"].Schedule (Some "0 */6 * * 1,2,3,4,5") "interval"
            Expect.equal interval.Campaigns["a_scheduled"].Cycles 4 "the original's default total_duration: 24h"
            let odd = checkYaml "config_name: a\nmodel_name: m\nschedule:\n  enabled: true\n  interval: 7h\n"
            Expect.equal (errorPlaces odd) [ "LEM0302", 4, 3 ] (dump odd)
            Expect.stringContains (dump odd) "does not divide" (dump odd)
            let off = checkYaml "config_name: a\nmodel_name: m\nschedule:\n  enabled: false\n  interval: 7h\n"
            Expect.isEmpty (errors off) (dump off)
            Expect.isTrue off.Campaigns.IsEmpty "no schedule when off"
            let campaign =
                checkFiles
                    [ "c.yaml", "campaign_name: c\nconfigs: [a.yaml]\ndaemon:\n  enabled: true\n  interval: 12h\n  total_duration: 48h\n"
                      "a.yaml", "config_name: a\nmodel_name: m\n" ] "c.yaml"
            Expect.isEmpty (errors campaign) (dump campaign)
            Expect.equal campaign.Campaigns["c"].Schedule (Some "0 */12 * * *") "a campaign's daemon"
            Expect.equal campaign.Campaigns["c"].Cycles 4 "48h / 12h"

        testCase "every backend module's original keys name parameters of this registry" <| fun () ->
            for kv in registry.OriginalKeys do
                for k in kv.Value do
                    let exists (name: string) = isNull name || (registry.TryGet name).IsSome
                    Expect.isTrue (exists k.Parameter) $"{kv.Key}: {k.Key} -> {k.Parameter}"
                    Expect.isTrue (exists k.AppendTo) $"{kv.Key}: {k.Key} appends to {k.AppendTo}"
                    Expect.isTrue (isNull k.Flag = isNull k.AppendTo) $"{kv.Key}: {k.Key}: a flag needs a list to append to"
                    let maps = not (isNull k.Parameter) || not (isNull k.Flag)
                    Expect.isTrue (maps || not (isNull k.Refusal) || k.Inert.Count > 0) $"{kv.Key}: {k.Key} maps, does nothing or says why not"

        testCase "convert writes the original defaults with a comment, and the .lem checks to the same values" <| fun () ->
            let files = [ "x.yaml", "config_name: a\nmodel_name: m\ndecoder:\n  preset: creative\n" ]
            let text = convert files "x.yaml"
            Expect.stringContains text "precision = fp16   # original default" text
            Expect.stringContains text "temperature = 0.8\n" text
            let fromYaml = checkFiles files "x.yaml"
            let fromLem = Lem.Dsl.Checker.Checker.checkText (optionsWith [ "c.lem", text ]) "/mem/c.lem" text
            Expect.isEmpty (errors fromLem) (dump fromLem + "\n" + text)
            let values (p: Lem.Dsl.Checker.CheckedProgram) = p.Experiments["a"].Values |> Seq.map (fun kv -> kv.Key, kv.Value.Value.ToString()) |> List.ofSeq |> List.sort
            Expect.equal (values fromLem) (values fromYaml) text
    ]
