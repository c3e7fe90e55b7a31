using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>
/// How the keys of the original LLenergyMeasure's <c>pytorch:</c> section (Hugging Face transformers options) read for
/// this backend. Batching, bitsandbytes quantization and decoder extensions there are core parameters, read by the
/// YAML reader's own table; these are the rest. Read from the original's PyTorchConfig (v1, 2026-01-23) and its v2 form.
/// </summary>
internal static class OriginalPyTorchKeys
{
    private const string NotCompiled =
        "torch.compile is not available in TorchSharp; lem's nearest is replaying each decode step as a CUDA graph (torchsharp.cuda_graphs, on by default on CUDA). Remedy: remove the key (or set it to false)";

    public static readonly IReadOnlyList<OriginalKey> All =
    [
        new("attn_implementation")
        {
            Parameter = TorchSharpModule.Attention,
            Values = new Dictionary<string, string> { ["sdpa"] = "sdpa", ["eager"] = "eager" },
            Refusal = "Hugging Face's FlashAttention kernels are not available here; the torchsharp backend has sdpa (torch's scaled_dot_product_attention, fused kernels where the GPU has them) and eager. Remedy: write attn_implementation: sdpa",
            OriginalDefault = "sdpa",
        },
        new("torch_compile") { Inert = ["false"], Refusal = NotCompiled },
        new("torch_compile_mode") { Inert = ["*"] },
        new("torch_compile_backend") { Inert = ["*"] },
        new("use_cache")
        {
            Inert = ["true"],
            Refusal = "decoding without a KV cache is not available: lem always keeps one. Remedy: remove the key (or set it to true)",
        },
        new("cache_implementation")
        {
            Inert = ["dynamic"],
            Refusal = "Hugging Face's cache implementations are not available: the torchsharp backend has one KV cache of its own. Remedy: remove the key",
        },
        new("low_cpu_mem_usage") { Inert = ["*"] },
        new("device_map") { Inert = ["*"], Why = "lem places the model on device (or parallel.devices), not by a Hugging Face device map" },
        new("max_memory") { Inert = ["{}"], Refusal = "per-device memory caps are not available. Remedy: remove the key" },
        new("trust_remote_code") { Inert = ["*"], Why = "lem runs its own code for the model families it supports, never a model's remote code" },
        new("revision") { Refusal = "lem reads a local model folder; check the revision out there and give the folder as the model. Remedy: remove the key" },
        new("use_bettertransformer") { Inert = ["false"], Refusal = "BetterTransformer is not available. Remedy: remove the key (or set it to false)" },
        new("output_scores") { Inert = ["*"] },
        new("return_dict_in_generate") { Inert = ["*"] },
        new("extra") { Inert = ["{}"], Refusal = "extra keyword arguments of Hugging Face's generate() cannot be passed to lem. Remedy: remove them" },
        new("assisted_generation") { Refusal = "assisted (speculative) generation is not available in the torchsharp backend. Remedy: remove the key" },
        new("assisted_generation.model") { Refusal = "assisted (speculative) generation is not available in the torchsharp backend. Remedy: remove the key" },
        new("assisted_generation.num_tokens") { Inert = ["*"] },
        new("prompt_lookup_num_tokens") { Refusal = "prompt-lookup decoding is not available in the torchsharp backend. Remedy: remove the key" },
    ];
}
