/// How the original LLenergyMeasure YAML keys map onto this project's parameters: the one table (its documentation
/// is docs/original-configs.md). Keys are dotted paths after section aliases are applied
/// (batching_options.batch_size -> batching.batch_size); the keys of a backend's section (pytorch:, vllm: ...) are
/// read by `sectionTable` and by the backend module's own OriginalKeys.
module internal Lem.Dsl.Yaml.YamlKeyMap

/// How a scalar is read.
type Conversion =
    | AsInteger
    | AsDecimal
    | AsBoolean
    | AsWord
    | AsText
    /// float32/float16/bfloat16 (and fp32/fp16/bf16) -> fp32/fp16/bf16
    | AsPrecision
    /// An original backend name (`pytorch`) -> the backend that stands in for it here (the registry's
    /// OriginalBackendNames); a backend's own name accepted as is.
    | AsBackend
    /// A Hugging Face model path or name; `synthetic("PRESET")` (this project's extension) is read as a call.
    | AsModel
    /// A number of seconds -> a duration.
    | AsSeconds
    /// A number of milliseconds -> a duration.
    | AsMilliseconds

/// A key whose values change nothing here. Values are compared as written, case-insensitively; "*" is any value.
type Inert =
    { /// Values that change nothing in the original tool either (its defaults): accepted silently.
      Silent: string list
      /// Values that did something in the original but change nothing here: accepted with a note saying Why.
      Noted: string list
      Why: string
      /// Why any other value cannot be honoured (LEM0302); None: every value is accepted with the note.
      Refusal: string option }

type Target =
    /// The experiment's name.
    | ExperimentName
    | Parameter of path: string * Conversion
    /// Read together with other keys by a rule of the reader (prompts, GPUs, sharding, the decoder, warm-up...);
    /// the slot names the rule's input.
    | Slot of name: string
    /// A key the original tool did not read (it ran with its default instead) whose meaning is plain: read here as
    /// the parameter, with a warning naming the original's key.
    | IgnoredByOriginal of path: string * Conversion * originalKey: string
    | NoEffect of Inert
    /// A known original key this project cannot honour whatever its value (an error saying why).
    | Unsupported of reason: string

let private silent values = NoEffect { Silent = values; Noted = []; Why = ""; Refusal = None }
let private noted values why = NoEffect { Silent = []; Noted = values; Why = why; Refusal = None }
let private inert silentValues why refusal = NoEffect { Silent = silentValues; Noted = []; Why = why; Refusal = Some refusal }

/// Section names of the original format (every schema) and the section they mean in this table.
let sectionAliases =
    Map.ofList
        [ "batching_options", "batching"
          "batching", "batching"
          "decoder_config", "decoder"
          "decoder", "decoder"
          "traffic_simulation", "traffic"
          "latency_simulation", "traffic"
          "quantization_config", "quantization"
          "quantization", "quantization"
          "sharding_config", "sharding"
          "sharding", "sharding"
          "parallelism", "sharding"
          "schedule_config", "schedule"
          "schedule", "schedule"
          "io", "io"
          "warmup", "warmup"
          "baseline", "baseline"
          "timeseries", "timeseries"
          "energy", "energy"
          "dataset", "dataset"
          "prompts", "prompts"
          "prompt_source", "prompts" ]

let private beamRefused = "beam search is not available: lem decodes one sequence per prompt (greedy or sampled)"
let private ngramRefused = "n-gram repetition blocking (no_repeat_ngram_size) is not available; decoder.repetition_penalty is"

let table: Map<string, Target> =
    Map.ofList
        [ "config_name", ExperimentName
          "name", ExperimentName
          "model_name", Parameter("model", AsModel)
          "model", Parameter("model", AsModel)
          "backend", Parameter("backend", AsBackend)
          "fp_precision", Parameter("precision", AsPrecision)
          "precision", Parameter("precision", AsPrecision)
          "max_input_tokens", Slot "prompts.input_tokens"
          "num_input_prompts", Slot "prompts.count"
          "n", Slot "prompts.count"
          "max_output_tokens", Parameter("max_new_tokens", AsInteger)
          "max_new_tokens", IgnoredByOriginal("max_new_tokens", AsInteger, "max_output_tokens")
          "min_output_tokens", Parameter("min_new_tokens", AsInteger)
          "adapter", Unsupported "LoRA adapters are not supported; merge the adapter into the model's weights and give that folder as model_name"
          "lora", Unsupported "LoRA adapters are not supported; merge the adapter into the model's weights and give that folder as model"
          // prompts
          "dataset", Slot "dataset"
          "dataset.name", Slot "dataset"
          "dataset.sample_size", Slot "dataset.sample"
          "dataset.split", Slot "dataset.split"
          "dataset.column", Slot "dataset.column"
          "dataset.n", Slot "synthetic.count"
          "dataset.input_len", Slot "synthetic.input_tokens"
          "dataset.output_len", Slot "synthetic.output_tokens"
          "dataset.seed", Slot "synthetic.seed"
          "dataset_order", Slot "dataset.order"
          "prompts.type", Slot "prompts.type"
          "prompts.path", Slot "dataset"
          "prompts.dataset", Slot "dataset"
          "prompts.split", Slot "dataset.split"
          "prompts.subset", Slot "dataset.subset"
          "prompts.column", Slot "dataset.column"
          "prompts.sample_size", Slot "dataset.sample"
          "prompts.shuffle", Slot "dataset.shuffle"
          "prompts.seed", Slot "dataset.seed"
          // what is measured
          "save_outputs", noted [ "true" ] "lem does not store generated text"
          "decode_token_to_text", noted [ "true" ] "lem does not store generated text"
          "task_type", inert [ "text_generation" ] "" "only text generation is supported"
          "is_encoder_decoder", inert [ "false" ] "" "only decoder-only models are supported"
          "inference_type", inert [ "pure_generative" ] "" "only pure generative inference is supported"
          "cycle_id", silent [ "*" ]
          "extra_metadata", noted [ "*" ] "free-form metadata; lem's records do not carry it"
          "passthrough_kwargs", inert [ "{}" ] "" "extra keyword arguments for the original's backend cannot be passed to lem"
          "schema_version", silent [ "*" ]
          "version", silent [ "*" ]
          "output_dir", Parameter("results.dir", AsText)
          "io.results_dir", Parameter("results.dir", AsText)
          "streaming", noted [ "*" ] "lem records every token's arrival (TTFT, inter-token latencies) in every run; the original needed streaming for that"
          "streaming_warmup_requests", noted [ "*" ] "lem's warm-up is set by warmup.* (see docs/original-configs.md)"
          "query_rate", noted [ "*" ] "the original recorded query_rate but did not pace requests by it; traffic_simulation sets arrivals"
          "random_seed", Slot "seed"
          "num_cycles", Parameter("cycles", AsInteger)
          "cycles", Parameter("cycles", AsInteger)
          // devices and parallelism
          "gpus", Slot "gpus"
          "gpu_list", Slot "gpus"
          "device", Parameter("device", AsText)
          "num_processes", Slot "processes"
          "sharding.strategy", Slot "parallel.strategy"
          "sharding.num_shards", Slot "parallel.degree"
          "sharding.degree", Slot "parallel.degree"
          // batching
          "batching.batch_size", Parameter("batching.batch_size", AsInteger)
          "batching.strategy", Parameter("batching.strategy", AsWord)
          "batching.max_tokens_per_batch", Parameter("batching.max_tokens_per_batch", AsInteger)
          "batching.dynamic_batching", Slot "batching.dynamic"
          "batch_size", IgnoredByOriginal("batching.batch_size", AsInteger, "batching.batch_size")
          // decoder (read with the preset: the original applied the preset's values, then the explicit keys)
          "decoder.temperature", Slot "decoder.temperature"
          "decoder.top_k", Slot "decoder.top_k"
          "decoder.top_p", Slot "decoder.top_p"
          "decoder.min_p", Slot "decoder.min_p"
          "decoder.repetition_penalty", Slot "decoder.repetition_penalty"
          "decoder.do_sample", Slot "decoder.do_sample"
          "decoder.preset", Slot "decoder.preset"
          "decoder.decoder_preset", Slot "decoder.preset"
          "decoder_preset", Slot "decoder.preset"
          "decoder.seed", Parameter("decoder.seed", AsInteger)
          "decoder.min_new_tokens", Parameter("min_new_tokens", AsInteger)
          "decoder.no_repeat_ngram_size", inert [ "0" ] "" ngramRefused
          "decoder.beam_search.enabled", inert [ "false" ] "" beamRefused
          "decoder.beam_search.num_beams", inert [ "1" ] "" beamRefused
          "decoder.beam_search.length_penalty", silent [ "*" ]
          "decoder.beam_search.early_stopping", silent [ "*" ]
          "decoder.beam_search.no_repeat_ngram_size", inert [ "0" ] "" ngramRefused
          // traffic
          "traffic.enabled", Slot "traffic.enabled"
          "traffic.mode", Parameter("traffic.mode", AsWord)
          "traffic.target_qps", Parameter("traffic.qps", AsDecimal)
          "traffic.qps", Parameter("traffic.qps", AsDecimal)
          "traffic.seed", Parameter("traffic.seed", AsInteger)
          "traffic.simulate", Slot "traffic.enabled"
          "traffic.delay_min_ms", inert [ "0"; "0.0" ] "" "fixed random delays between requests are not available; traffic_simulation (constant or poisson arrivals) is"
          "traffic.delay_max_ms", inert [ "0"; "0.0" ] "" "fixed random delays between requests are not available; traffic_simulation (constant or poisson arrivals) is"
          // quantization (bitsandbytes in the original)
          "quantization.quantization", Slot "quantization.flag"
          "quantization.load_in_4bit", Slot "quantization.4bit"
          "quantization.load_in_8bit", Slot "quantization.8bit"
          "quantization.bnb_4bit_compute_dtype", Slot "quantization.bnb_compute_dtype"
          "quantization.bnb_4bit_quant_type", Slot "quantization.bnb_quant_type"
          "quantization.bnb_4bit_use_double_quant", Slot "quantization.bnb_double_quant"
          "quantization.cached_flops_for_quantised_models", silent [ "*" ]
          // scheduling
          "schedule.enabled", Slot "schedule.enabled"
          "schedule.interval", Slot "schedule.interval"
          "schedule.at", Slot "schedule.at"
          "schedule.days", Slot "schedule.days"
          "schedule.total_duration", Slot "schedule.total_duration"
          // measurement
          "warmup.enabled", Slot "warmup.enabled"
          "warmup.convergence_detection", Slot "warmup.convergence"
          "warmup.cv_threshold", Slot "warmup.cv"
          "warmup.max_prompts", Slot "warmup.max"
          "warmup.window_size", Slot "warmup.window"
          "warmup.min_prompts", Slot "warmup.min"
          "warmup.n_warmup", Slot "warmup.n"
          "warmup.thermal_floor_seconds", Slot "warmup.thermal_floor"
          "baseline.enabled", Slot "baseline.enabled"
          "baseline.duration_sec", Slot "baseline.duration"
          "baseline.duration_seconds", Slot "baseline.duration"
          "baseline.required", noted [ "true" ] "lem measures the baseline when baseline.duration > 0 and fails the run if it cannot"
          "baseline.cache_ttl_sec", Parameter("baseline.ttl", AsSeconds)
          "baseline.sample_interval_ms", Parameter("measurement.sample_interval", AsMilliseconds)
          "timeseries.enabled", Parameter("measurement.time_series", AsBoolean)
          "timeseries.save", noted [ "*" ] "lem stores the time series with the result when measurement.time_series is on"
          "timeseries.sample_interval_ms", Parameter("measurement.sample_interval", AsMilliseconds)
          "energy.backend", noted [ "auto"; "nvml"; "zeus"; "codecarbon"; "" ] "lem meters energy with its own meters (NVML's energy counter, RAPL, estimates), whatever the original's energy backend" ]

/// Keys of a backend's section (pytorch:, vllm:, tensorrt:) that mean a core parameter, whichever backend: batching,
/// bitsandbytes quantization and decoder extensions moved there in 2026-01-23's schema. The module's own
/// OriginalKeys come first; keys in neither are read as the module's parameter of the same name.
let sectionTable: Map<string, Target> =
    Map.ofList
        [ "batch_size", Parameter("batching.batch_size", AsInteger)
          "batching_strategy", Parameter("batching.strategy", AsWord)
          "max_tokens_per_batch", Parameter("batching.max_tokens_per_batch", AsInteger)
          "num_processes", Slot "processes"
          "parallelism_strategy", Slot "parallel.strategy"
          "parallelism_degree", Slot "parallel.degree"
          "load_in_4bit", Slot "quantization.4bit"
          "load_in_8bit", Slot "quantization.8bit"
          "bnb_4bit_compute_dtype", Slot "quantization.bnb_compute_dtype"
          "bnb_4bit_quant_type", Slot "quantization.bnb_quant_type"
          "bnb_4bit_use_double_quant", Slot "quantization.bnb_double_quant"
          "min_p", Slot "decoder.min_p"
          "no_repeat_ngram_size", inert [ "0" ] "" ngramRefused
          "num_beams", inert [ "1" ] "" beamRefused
          "early_stopping", silent [ "*" ]
          "length_penalty", silent [ "*" ]
          "beam_search.enabled", inert [ "false" ] "" beamRefused
          "beam_search.num_beams", inert [ "1" ] "" beamRefused
          "beam_search.length_penalty", silent [ "*" ]
          "beam_search.early_stopping", silent [ "*" ]
          "beam_search.no_repeat_ngram_size", inert [ "0" ] "" ngramRefused ]

/// Keys of a study (v2) or campaign (v1) file that are not experiment keys.
let studyKeys =
    set [ "name"; "campaign_name"; "sweep"; "experiments"; "execution"; "base"; "runners"; "configs"; "grid"; "num_samples"
          "models"; "cold_start"; "group_by"; "health_check"; "daemon"; "io"; "schedule"; "version"; "schema_version" ]

/// Every key a user may write (for "did you mean"), as the original wrote it.
let knownKeys =
    let reverse = sectionAliases |> Map.toList
    [ for key in table.Keys do
          yield key
          match key.Split('.', 2) with
          | [| section; leaf |] ->
              for (alias, s) in reverse do
                  if s = section then yield alias + "." + leaf
          | _ -> () ]
    |> List.distinct
