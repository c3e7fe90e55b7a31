/// How the original LLenergyMeasure YAML keys map onto this project's parameters: the one table.
/// Keys are dotted paths after section aliases are applied (batching_options.batch_size -> batching.batch_size).
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

type Target =
    /// The experiment's name.
    | ExperimentName
    | Parameter of path: string * Conversion
    /// Part of `prompts = synthetic(count = .., input_tokens = ..)`.
    | PromptsCount
    | PromptsInputTokens
    /// `gpus: [0]` / `gpu_list: [0]` -> device = "cuda:0"; with num_processes = n > 1: parallel.mode = data
    /// over the first n GPUs (parallel.devices).
    | GpuList
    /// `enabled` of traffic simulation: false -> traffic.mode = none; true -> the mode (poisson if unset).
    | TrafficEnabled
    /// `do_sample: false` -> decoder.temperature = 0 (greedy); true -> sampling as the other decoder keys say.
    | DoSample
    /// `num_processes`: worker processes; see GpuList.
    | NumProcesses
    /// A known original key that has no effect here (said in a note).
    | NoEffect of reason: string
    /// A known original key this project cannot honour (an error saying why).
    | Unsupported of reason: string

/// Section names of the original format and the section they mean here.
let sectionAliases =
    Map.ofList
        [ "batching_options", "batching"
          "batching", "batching"
          "pytorch", "pytorch"
          "decoder_config", "decoder"
          "decoder", "decoder"
          "traffic_simulation", "traffic"
          "latency_simulation", "traffic"
          "quantization_config", "quantization"
          "sharding_config", "sharding" ]

let table: Map<string, Target> =
    Map.ofList
        [ "config_name", ExperimentName
          "model_name", Parameter("model", AsModel)
          "model", Parameter("model", AsModel)
          "backend", Parameter("backend", AsBackend)
          "fp_precision", Parameter("precision", AsPrecision)
          "precision", Parameter("precision", AsPrecision)
          "max_input_tokens", PromptsInputTokens
          "num_input_prompts", PromptsCount
          "max_output_tokens", Parameter("max_new_tokens", AsInteger)
          "min_output_tokens", Parameter("min_new_tokens", AsInteger)
          "batching.batch_size", Parameter("batching.batch_size", AsInteger)
          "batching.strategy", Parameter("batching.strategy", AsWord)
          "batching.max_tokens_per_batch", Parameter("batching.max_tokens_per_batch", AsInteger)
          "pytorch.batch_size", Parameter("batching.batch_size", AsInteger)
          "decoder.temperature", Parameter("decoder.temperature", AsDecimal)
          "decoder.top_k", Parameter("decoder.top_k", AsInteger)
          "decoder.top_p", Parameter("decoder.top_p", AsDecimal)
          "decoder.preset", Parameter("decoder.preset", AsWord)
          "decoder.decoder_preset", Parameter("decoder.preset", AsWord)
          "decoder_preset", Parameter("decoder.preset", AsWord)
          "decoder.do_sample", DoSample
          "decoder.seed", Parameter("decoder.seed", AsInteger)
          "decoder.repetition_penalty", Parameter("decoder.repetition_penalty", AsDecimal)
          "decoder.min_p", Parameter("decoder.min_p", AsDecimal)
          "decoder.no_repeat_ngram_size", Unsupported "n-gram blocking is not implemented yet"
          "random_seed", Parameter("decoder.seed", AsInteger)
          "traffic.enabled", TrafficEnabled
          "traffic.mode", Parameter("traffic.mode", AsWord)
          "traffic.target_qps", Parameter("traffic.qps", AsDecimal)
          "traffic.qps", Parameter("traffic.qps", AsDecimal)
          "traffic.seed", Parameter("traffic.seed", AsInteger)
          "gpus", GpuList
          "gpu_list", GpuList
          "device", Parameter("device", AsText)
          "num_cycles", Parameter("cycles", AsInteger)
          "cycles", Parameter("cycles", AsInteger)
          "num_processes", NumProcesses
          "task_type", NoEffect "text generation is the only task"
          "is_encoder_decoder", Unsupported "only decoder-only models are supported"
          "inference_type", NoEffect "pure generative inference is the only mode"
          "save_outputs", NoEffect "generated text is not stored by this tool"
          "quantization.quantization", Unsupported "quantised weights are not supported yet; remove quantization_config"
          "quantization.load_in_4bit", Unsupported "4-bit weights are not supported yet"
          "quantization.load_in_8bit", Unsupported "8-bit weights are not supported yet"
          "sharding.tensor_parallel", Unsupported "write parallel.mode = tensor and parallel.devices = [...] in a .lem script instead"
          "sharding.pipeline_parallel", Unsupported "write parallel.mode = pipeline and parallel.devices = [...] in a .lem script instead"
          "prompt_source", Unsupported "write the prompt source in a .lem script: prompts = file(\"prompts.jsonl\") or synthetic(...)"
          "schedule_config", Unsupported "scheduled runs are not supported; use a campaign with gap and cycle_gap" ]

/// Every key a user may write (for "did you mean").
let knownKeys =
    let reverse = sectionAliases |> Map.toList
    [ for key in table.Keys do
          yield key
          match key.Split('.') with
          | [| section; leaf |] ->
              for (alias, s) in reverse do
                  if s = section then yield alias + "." + leaf
          | _ -> () ]
    |> List.distinct
