using Lem.Backends.Server.Modules;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Engines;

/// <summary>
/// How the keys of the original LLenergyMeasure's <c>vllm:</c> and <c>tensorrt:</c> sections read for the server
/// engines. Keys named like an engine's own parameter (<c>max_num_seqs</c> is <c>vllm.max_num_seqs</c>) need no row
/// except to carry the original's default; engine flags the registry has no parameter for become
/// <c>server.extra_args</c>; what lem cannot do is refused with the reason. Read from the original's VLLMConfig and
/// TensorRTConfig (v1, 2026-01-23; v2 nests vLLM's under <c>engine:</c> and <c>sampling:</c>).
/// </summary>
internal static class OriginalServerKeys
{
    private static OriginalKey Flag(string key, string flag, params string[] inert) =>
        new(key) { Flag = flag, AppendTo = ServerParameters.ExtraArgs, Inert = inert };

    private static OriginalKey Switch(string key, string flag) =>
        new(key) { Flag = flag, FlagIsSwitch = true, AppendTo = ServerParameters.ExtraArgs, Inert = ["false"] };

    private static OriginalKey Refused(string key, string why, params string[] inert) => new(key) { Inert = inert, Refusal = why };

    private static OriginalKey Same(string engine, string key, string? originalDefault = null) =>
        new(key) { Parameter = $"{engine}.{key}", OriginalDefault = originalDefault };

    private const string LoraRefused = "LoRA adapters are not supported; merge the adapter into the model's weights and serve that folder";
    private const string SpeculativeRefused = "speculative decoding other than a draft model (vllm.speculative_model with vllm.num_speculative_tokens) is not available";

    /// <summary>The original's <c>vllm:</c> section (v1, flat) and its v2 form (<c>engine:</c>, <c>sampling:</c>).</summary>
    public static IReadOnlyList<OriginalKey> Vllm(IEnumerable<EngineFlag> flags)
    {
        // v1's defaults where they differ from vLLM's own (prefix caching and chunked prefill were off)
        List<OriginalKey> flat =
        [
            Same("vllm", "max_num_seqs", "256"),
            Same("vllm", "gpu_memory_utilization", "0.9"),
            Same("vllm", "enable_prefix_caching", "false"),
            Same("vllm", "enable_chunked_prefill", "false"),
            new("quantization_method") { Parameter = "vllm.quantization" },
            Flag("swap_space", "--swap-space"),
            Flag("cpu_offload_gb", "--cpu-offload-gb", "0", "0.0"),
            Switch("disable_custom_all_reduce", "--disable-custom-all-reduce"),
            Flag("distributed_backend", "--distributed-executor-backend"),
            Flag("load_format", "--load-format", "auto"),
            Flag("max_seq_len_to_capture", "--max-seq-len-to-capture"),
            Refused("logprobs", "lem does not ask the server for log-probabilities (they are not part of what it measures)"),
            Refused("best_of", "lem requests one completion per prompt", "1"),
            Refused("logit_bias", "logit biases are not available", "{}"),
            Refused("attention", "vLLM's attention settings have no lem parameter; give the flag your vLLM version takes in server.extra_args (or the VLLM_ATTENTION_BACKEND environment variable) in a .lem script", "{}"),
            Refused("attention.backend", "vLLM's attention backend has no lem parameter; give the flag your vLLM version takes in server.extra_args (or the VLLM_ATTENTION_BACKEND environment variable) in a .lem script", "auto"),
            Refused("attention.flash_version", "vLLM's FlashAttention version has no lem parameter; give the flag your vLLM version takes in server.extra_args in a .lem script"),
            Switch("attention.disable_sliding_window", "--disable-sliding-window"),
            Refused("lora", LoraRefused, "{}"),
            Refused("lora.enabled", LoraRefused, "false"),
            new("lora.max_loras") { Inert = ["*"] },
            new("lora.max_rank") { Inert = ["*"] },
            new("lora.extra_vocab_size") { Inert = ["*"] },
            Refused("speculative", SpeculativeRefused, "{}"),
            new("speculative.model") { Parameter = "vllm.speculative_model" },
            new("speculative.num_tokens") { Parameter = "vllm.num_speculative_tokens" },
            Refused("speculative.method", SpeculativeRefused),
            Refused("speculative.prompt_lookup_min", SpeculativeRefused),
            Refused("speculative.prompt_lookup_max", SpeculativeRefused),
            Refused("speculative.draft_tp_size", SpeculativeRefused, "1"),
            Refused("extra", "extra keyword arguments of vLLM's LLM() cannot be passed; give engine flags in server.extra_args in a .lem script", "{}"),
            // v2's engine: block
            new("engine.quantization") { Parameter = "vllm.quantization" },
            Refused("engine.offload_group_size", "vLLM's layer offloading has no lem parameter", "0"),
            new("engine.offload_num_in_group") { Inert = ["*"] },
            new("engine.offload_prefetch_step") { Inert = ["*"] },
            Refused("engine.offload_params", "vLLM's layer offloading has no lem parameter", "[]"),
            Refused("engine.kv_cache_memory_bytes", "an absolute KV-cache size has no lem parameter; use vllm.gpu_memory_utilization"),
            Refused("engine.compilation_config", "vLLM's compilation config has no lem parameter; give --compilation-config in server.extra_args in a .lem script", "{}"),
            // v2's sampling: block
            new("sampling.max_tokens") { Parameter = "max_new_tokens" },
            new("sampling.min_tokens") { Parameter = "min_new_tokens" },
            Refused("sampling.presence_penalty", "a presence penalty is not available (lem's decoder has repetition_penalty)", "0", "0.0"),
            Refused("sampling.frequency_penalty", "a frequency penalty is not available (lem's decoder has repetition_penalty)", "0", "0.0"),
            Refused("sampling.ignore_eos", "write decoder.min_new_tokens equal to max_output_tokens instead: lem then generates exactly that many tokens on every backend", "false"),
            Refused("sampling.n", "lem requests one completion per prompt", "1"),
            Refused("beam_search", "beam search is not available: lem decodes one sequence per prompt", "{}"),
        ];
        // v2 nests every engine argument under engine:, the attention settings under engine.attention:
        var nested = new List<OriginalKey>();
        foreach (var f in flags)
            nested.Add(new OriginalKey("engine." + f.Name["vllm.".Length..]) { Parameter = f.Name });
        foreach (var k in flat.Where(k => k.Flag is not null || k.Key.StartsWith("attention", StringComparison.Ordinal)))
            nested.Add(k with { Key = "engine." + k.Key });
        return [.. flat, .. nested];
    }

    private const string NoEngineBuild = "lem does not build TensorRT engines: trtllm-serve runs the checkpoint it is given";
    private const string NotQuantized = "lem does not quantize for TensorRT-LLM; serve a checkpoint quantized beforehand (ModelOpt) as the model";

    /// <summary>The original's <c>tensorrt:</c> section (v1: an engine built by the original itself).</summary>
    public static readonly IReadOnlyList<OriginalKey> TensorRt =
    [
        Same("tensorrt", "max_batch_size", "8"),
        new("tp_size") { Parameter = "tensorrt.tensor_parallel_size" },
        new("pp_size") { Parameter = "tensorrt.pipeline_parallel_size" },
        new("gpu_memory_utilization") { Parameter = "tensorrt.kv_cache_free_gpu_mem_fraction" },
        Refused("engine_path", "a prebuilt engine: give its folder as the model and tensorrt.backend = tensorrt in a .lem script"),
        new("engine_cache_dir") { Inert = ["*"] },
        Refused("force_rebuild", NoEngineBuild, "false"),
        Refused("builder_opt_level", NoEngineBuild, "3"),
        Refused("strongly_typed", NoEngineBuild, "true"),
        Refused("multiple_profiles", NoEngineBuild, "false"),
        Refused("quantization", NotQuantized, "none", "{}"),
        Refused("quantization.method", NotQuantized, "none"),
        new("quantization.calibration") { Inert = ["*"] },
        new("quantization.calibration.dataset") { Inert = ["*"] },
        new("quantization.calibration.split") { Inert = ["*"] },
        new("quantization.calibration.num_samples") { Inert = ["*"] },
        new("quantization.calibration.max_length") { Inert = ["*"] },
        new("calibration") { Inert = ["*"] },
        Refused("kv_cache_type", "a continuous (non-paged) KV cache has no lem parameter", "paged"),
        Refused("enable_chunked_context", "chunked context has no lem parameter; lem leaves it to trtllm-serve (set it in a config file given with --extra_llm_api_options in server.extra_args)", "true"),
        Refused("enable_kv_cache_reuse", "KV-cache reuse has no lem parameter; set it in a config file given with --extra_llm_api_options in server.extra_args", "false"),
        Refused("draft_model", "speculative decoding with a draft model is not available for tensorrt"),
        new("num_draft_tokens") { Inert = ["*"] },
        Refused("extra_build_args", NoEngineBuild, "{}"),
        Refused("extra_runtime_args", "extra runtime arguments cannot be passed; give trtllm-serve flags in server.extra_args in a .lem script", "{}"),
    ];
}
