using Lem.Engine.Config;
using static Lem.Engine.Config.ConfigValue;

namespace Lem.Backends.LlamaCpp;

/// <summary>The <c>llamacpp.*</c> parameters (Backends left null: this module's own; the registry fills it in).</summary>
public static class LlamaCppParameters
{
    public const string Threads = "llamacpp.threads";
    public const string GpuLayers = "llamacpp.gpu_layers";
    public const string ContextSize = "llamacpp.ctx_size";
    public const string FlashAttention = "llamacpp.flash_attn";
    public const string BatchTokens = "llamacpp.batch_tokens";
    public const string Quantization = "llamacpp.quantization";
    public const string NativePath = "llamacpp.native_path";
    public const string CacheType = "llamacpp.cache_type";

    public const long DefaultBatchTokens = 2048;

    public static readonly IReadOnlyList<ParameterDefinition> All =
    [
        new(Threads, ParameterKind.Integer, new Integer(0),
            "CPU threads llama.cpp computes with (prefill and decode alike). 0: one per logical CPU of the process.",
            Unit: "threads", Min: 0, Max: 1024),
        new(GpuLayers, ParameterKind.Integer, new Integer(0),
            "Layers offloaded to the GPU named by device (-1: all). Needs a CUDA build of llama.cpp (llamacpp.native_path); lem ships the CPU build only.",
            Unit: "layers", Min: -1, Max: 100_000),
        new(ContextSize, ParameterKind.Integer, new Integer(0),
            "KV-cache cells of each sequence (each batch row has its own; llama.cpp n_ctx = this × rows). 0: sized to the batches (longest prompt + max_new_tokens, rounded up to 256; a larger batch later re-creates the context, counted in llamacpp_context_creations); a row that does not fit a fixed size is refused.",
            Unit: "tokens", Min: 0, Max: 16_777_216),
        new(FlashAttention, ParameterKind.Choice, new Word("auto"),
            "llama.cpp's flash attention: auto (llama.cpp decides per device), on, off.",
            AllowedValues: ["auto", "on", "off"]),
        new(BatchTokens, ParameterKind.Integer, new Integer(DefaultBatchTokens),
            "Most prompt tokens given to llama.cpp in one decode call (n_batch; longer prefills are split); llama.cpp computes them in micro-batches of at most 512.",
            Unit: "tokens", Min: 32, Max: 1_048_576),
        new(Quantization, ParameterKind.Choice, new Word(LlamaCppQuantization.SourceName),
            "Weight type, written by llama.cpp's own quantizer and cached: " +
            string.Join("; ", LlamaCppQuantization.All.Select(q => $"{q.Name} ({q.Description})")) + ".",
            AllowedValues: LlamaCppQuantization.Names),
        new(CacheType, ParameterKind.Choice, new Word("f16"),
            "Element type of the KV cache (llama.cpp's --cache-type-k/-v): f16 (llama.cpp's default), f32 (exact, twice the memory), q8_0 (half of f16; quantized V needs flash attention, which llama.cpp then turns on).",
            AllowedValues: ["f16", "f32", "q8_0"]),
        new(NativePath, ParameterKind.Text, null,
            "A llama.cpp build to load instead of the CPU build shipped with lem (LLamaSharp.Backend.Cpu 0.30.0): a folder holding libllama.so and its libggml*.so, or libllama.so itself; it must match the llama.cpp commit LLamaSharp 0.30.0 binds. Needed for llamacpp.gpu_layers (a CUDA build). Unset: the shipped CPU build."),
    ];
}
