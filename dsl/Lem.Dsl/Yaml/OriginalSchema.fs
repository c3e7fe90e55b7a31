/// The original LLenergyMeasure tool's config schemas, as its source defines them: which one a file is written in, the
/// defaults it applies to what a file leaves out, and its decoder presets. Read from the original's
/// config/models.py at each schema's commits (see docs/original-configs.md).
module internal Lem.Dsl.Yaml.OriginalSchema

open Lem.Dsl.Yaml.YamlTree

type Schema =
    /// `config_name` / `model_name` configs, 2025-12-20 to 2026-01-22: sections at the top level (batching,
    /// sharding, quantization, decoder with presets from 2026-01-09).
    | V1Early
    /// The same names from 2026-01-23 (backend-native architecture, `schema_version: 3.0.0`): batching and
    /// quantization in the backend's section, warmup/baseline/timeseries sections, campaign files.
    | V1Late
    /// The v2.0 schema from 2026-02-27 (`model`, `n`, `precision`, `dataset`; study files with `sweep:`).
    | V2

let describe (s: Schema) =
    match s with
    | V1Early -> "its v1 schema (config_name/model_name, before 2026-01-23)"
    | V1Late -> "its v1 schema as of 2026-01-23 (schema_version 3.0.0)"
    | V2 -> "its v2 schema (model/n/precision, from 2026-02-27)"

/// Which schema a (merged) experiment mapping is written in. v2 is the one without `config_name`/`model_name` that
/// uses its names; v1 configs written after 2026-01-23 show it by the sections that appeared then.
let detect (items: (YKey * YNode) list) : Schema =
    let has k = items |> List.exists (fun (key, _) -> key.Text = k)
    let sectionHas section (keys: string list) =
        items
        |> List.exists (fun (key, node) ->
            key.Text = section
            && match node with
               | YMap(inner, _) -> inner |> List.exists (fun (k, _) -> List.contains k.Text keys)
               | _ -> false)
    if not (has "config_name" || has "model_name") && (has "model" || has "n" || has "precision" || has "dataset_order" || has "passthrough_kwargs" || has "energy" || has "lora") then V2
    elif has "schema_version" || has "warmup" || has "baseline" || has "timeseries"
         || sectionHas "pytorch" [ "batch_size"; "batching_strategy"; "num_processes"; "load_in_4bit"; "load_in_8bit" ] then V1Late
    else V1Early

/// A decoder setting of the original: temperature, top_k, top_p, repetition_penalty, min_p, do_sample.
type DecoderValues = (string * string) list

/// The original's decoder defaults (DecoderConfig), the same in every schema: sampling at temperature 1 with top_k 50.
let decoderDefaults: DecoderValues =
    [ "temperature", "1.0"; "do_sample", "true"; "top_k", "50"; "top_p", "1.0"; "repetition_penalty", "1.0"; "min_p", "0.0" ]

/// The original's SAMPLING_PRESETS: a preset's values first, the file's explicit decoder keys on top.
let presets (s: Schema) : Map<string, DecoderValues> =
    let common =
        [ "deterministic", [ "temperature", "0.0"; "do_sample", "false" ]
          "creative", [ "temperature", "0.8"; "do_sample", "true"; "top_p", "0.9"; "repetition_penalty", "1.1" ] ]
    match s with
    | V1Early ->
        Map.ofList (common @ [ "standard", [ "temperature", "1.0"; "do_sample", "true"; "top_p", "0.95"; "top_k", "50" ]
                               "factual", [ "temperature", "0.3"; "do_sample", "true"; "top_k", "10" ] ])
    | V1Late
    | V2 ->
        Map.ofList (common @ [ "standard", [ "temperature", "1.0"; "do_sample", "true"; "top_p", "0.95" ]
                               "factual", [ "temperature", "0.3"; "do_sample", "true" ] ])

/// The original's defaults for what a file leaves out, by the original's key (the experiment reader maps them like
/// written keys). Prompts: `num_input_prompts`/`n` with `max_input_tokens` (see the reader for the dataset).
let defaults (s: Schema) : (string * string) list =
    let common = [ "backend", "pytorch"; "max_input_tokens", "512"; "max_output_tokens", "128"; "gpus", "0" ]
    match s with
    | V1Early ->
        common
        @ [ "fp_precision", "float16"; "num_input_prompts", "1"; "min_output_tokens", "0"
            "batching.batch_size", "1"; "batching.strategy", "static" ]
    | V1Late ->
        common
        @ [ "fp_precision", "float16"; "num_input_prompts", "1"; "min_output_tokens", "0"
            "batching.batch_size", "1"; "batching.strategy", "static"
            // WarmupConfig: CV convergence on, up to 50 prompts, window 5, CV 5%
            "warmup.enabled", "true"; "warmup.convergence_detection", "true"; "warmup.cv_threshold", "0.05"
            "warmup.max_prompts", "50"; "warmup.window_size", "5"
            // BaselineConfig: 30 s idle baseline; TimeSeriesConfig: off
            "baseline.enabled", "true"; "baseline.duration_sec", "30"; "timeseries.enabled", "false" ]
    | V2 ->
        common
        @ [ "precision", "bf16"; "n", "100"; "random_seed", "42"; "batching.batch_size", "1"
            // WarmupConfig: 5 fixed warm-up prompts (CV convergence off); BaselineConfig: 30 s
            "warmup.enabled", "true"; "warmup.n_warmup", "5"; "warmup.convergence_detection", "false"
            "baseline.enabled", "true"; "baseline.duration_seconds", "30" ]

/// The original's study/campaign execution defaults (CampaignExecutionConfig; v2 ExecutionConfig).
let campaignDefaults (s: Schema) : (string * string) list =
    match s with
    | V2 -> [ "n_cycles", "1"; "cycle_order", "sequential" ]
    | _ -> [ "cycles", "3"; "structure", "interleaved"; "config_gap_seconds", "60"; "cycle_gap_seconds", "300" ]
