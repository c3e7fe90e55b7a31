using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// A value of <c>llamacpp.quantization</c>: llama.cpp's file type (llama_ftype) for its quantizer, and the nominal bits
/// per weight of its main matrices (block scales included). The bits a file really takes are measured from its
/// tensors (norms stay F32; K-quant mixes and fallbacks for rows that are not whole blocks differ from the nominal).
/// </summary>
public sealed record LlamaCppQuantization(string Name, LLamaFtype? FileType, double NominalBitsPerWeight, string Description)
{
    /// <summary>Keep the GGUF as it is (a synthetic or converted model in its own float type).</summary>
    public const string SourceName = "source";

    public static readonly IReadOnlyList<LlamaCppQuantization> All =
    [
        new(SourceName, null, double.NaN, "the model's own types: a .gguf file as it is; a synthetic or Hugging Face model in its checkpoint's float type (f32 for tiny presets, bf16 for real shapes)"),
        new("f16", LLamaFtype.MOSTLY_F16, 16, "IEEE half precision"),
        new("bf16", LLamaFtype.MOSTLY_BF16, 16, "bfloat16"),
        new("q8_0", LLamaFtype.MOSTLY_Q8_0, 8.5, "8-bit, one fp16 scale per 32 weights"),
        new("q6_k", LLamaFtype.MOSTLY_Q6_K, 6.5625, "6-bit K-quant, 256-weight super-blocks"),
        new("q5_k_m", LLamaFtype.MOSTLY_Q5_K_M, 5.5, "5-bit K-quant mix (some tensors at 6 bits)"),
        new("q4_k_m", LLamaFtype.MOSTLY_Q4_K_M, 4.5, "4-bit K-quant mix (attn_v and ffn_down partly at 6 bits)"),
        new("q4_0", LLamaFtype.MOSTLY_Q4_0, 4.5, "4-bit, one fp16 scale per 32 weights"),
    ];

    public static IReadOnlyList<string> Names => All.Select(q => q.Name).ToList();

    public static LlamaCppQuantization? Find(string name) => All.FirstOrDefault(q => q.Name == name.Trim().ToLowerInvariant());
}
