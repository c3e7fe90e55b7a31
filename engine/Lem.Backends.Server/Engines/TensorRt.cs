using Lem.Engine.Config;
using Lem.Engine.Inference;
using static Lem.Backends.Server.Engines.EngineFlag;

namespace Lem.Backends.Server.Engines;

public static class TensorRt
{
    public const string MaxInputLen = "tensorrt.max_input_len";
    public const string MaxOutputLen = "tensorrt.max_output_len";
    public const string MaxSeqLen = "tensorrt.max_seq_len";

    public static readonly ServerEngine Engine = new()
    {
        Name = "tensorrt",
        DisplayName = "TensorRT-LLM",
        Summary = "TensorRT-LLM's OpenAI-compatible server (trtllm-serve), launched by lem or reached at server.url",
        OriginalNames = ["tensorrt", "tensorrt_llm", "trtllm"],
        OriginalKeys = OriginalServerKeys.TensorRt,
        DefaultCommand = ["trtllm-serve"],
        Model = ModelArgument.Positional,
        ServedNameFlag = "--served_model_name",
        NeedsGpu = true,
        HealthPath = "/health",
        VersionProbes = [new("/version", "version")],
        Tokenizer = TokenizerDialect.None,
        Pinning = OutputPinning.MinTokens | OutputPinning.IgnoreEos,
        TokenIdPrompts = true,
        ContinuousUsage = true,
        MetricsUnavailable = "trtllm-serve's /metrics is JSON iteration statistics, not the Prometheus text format; lem does not scrape it",
        GpuCountParameters = ["tensorrt.tensor_parallel_size", "tensorrt.pipeline_parallel_size"],
        ModelSources = [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic, ModelSourceKind.ServerModelId],
        Notes = "In-flight batching. trtllm-serve has no tokenize endpoint: synthetic prompts go as token ids (exact lengths), made with the tokenizer files of a synthetic model or a local Hugging Face folder (a model only the server knows has none: use prompts from a file), and text prompts are counted by the server's usage. Precision comes from the checkpoint or engine (no --dtype).",
        Flags =
        [
            Value("tensorrt.backend", ParameterKind.Choice, "--backend", "Runtime inside trtllm-serve: pytorch, or tensorrt for a built engine.", allowed: ["pytorch", "tensorrt", "_autodeploy"]),
            Value("tensorrt.max_batch_size", ParameterKind.Integer, "--max_batch_size", "Most requests the engine schedules at once.", "requests", min: 1),
            Value("tensorrt.max_num_tokens", ParameterKind.Integer, "--max_num_tokens", "Most batched input tokens per step (after padding is removed).", "tokens", min: 1),
            Value(MaxSeqLen, ParameterKind.Integer, "--max_seq_len", "Longest request, prompt plus output. Default: from the model's config.", "tokens", min: 1),
            new(new ParameterDefinition(MaxInputLen, ParameterKind.Integer, null, "Longest prompt (the original tool's name): with tensorrt.max_output_len it gives --max_seq_len = input + output.", "tokens", Min: 1),
                "`--max_seq_len` = max_input_len + max_output_len", FlagStyle.Derived, Derive: SequenceLength),
            new(new ParameterDefinition(MaxOutputLen, ParameterKind.Integer, null, "Longest output (the original tool's name): with tensorrt.max_input_len it gives --max_seq_len.", "tokens", Min: 1),
                "part of `--max_seq_len`", FlagStyle.Derived, Derive: _ => []),
            Value("tensorrt.kv_cache_free_gpu_mem_fraction", ParameterKind.Decimal, "--kv_cache_free_gpu_memory_fraction", "Fraction of the GPU memory left after weights that the KV cache takes.", min: 0.01, max: 1.0),
            Value("tensorrt.tensor_parallel_size", ParameterKind.Integer, "--tp_size", "Tensor-parallel GPUs.", "GPUs", min: 1),
            Value("tensorrt.pipeline_parallel_size", ParameterKind.Integer, "--pp_size", "Pipeline-parallel stages.", "stages", min: 1),
            Value("tensorrt.max_beam_width", ParameterKind.Integer, "--max_beam_width", "Most beams for beam search.", min: 1),
        ],
    };

    private static IReadOnlyList<string> SequenceLength(IReadOnlyDictionary<string, object> values) =>
        values.TryGetValue(MaxInputLen, out var input) && values.TryGetValue(MaxOutputLen, out var output)
            ? ["--max_seq_len", EngineFlag.Text((long)input + (long)output)]
            : [];
}
