using Lem.Engine.Inference;

namespace Lem.Models.Onnx;

/// <summary>How the ONNX writer stores linear weights: fp32 MatMul, or int4 blocks for MatMulNBits.</summary>
/// <param name="Int4BlockSize">Inputs per quantization block (32 or 128) when <paramref name="Int4"/>.</param>
/// <param name="Int4AccuracyLevel">MatMulNBits' accuracy_level: 0 computes in fp32 after dequantizing; 4 quantizes the
/// activations to int8 on the CPU (faster; what ONNX Runtime GenAI's CPU int4 models use).</param>
/// <param name="Int4LmHead">Whether the LM head is quantized too (else it stays an fp32 MatMul).</param>
public sealed record OnnxWeightFormat(bool Int4, int Int4BlockSize = 32, int Int4AccuracyLevel = 4, bool Int4LmHead = true)
{
    public static readonly OnnxWeightFormat Fp32 = new(false);
    /// <summary>lem's int4: blocks of 32, accuracy_level 4, the LM head in fp32 (on the tiny models a 4-bit head alone
    /// costs about 6 points of next-token agreement; see docs/backends-ortgenai.md).</summary>
    public static readonly OnnxWeightFormat Int4Block32 = new(true, Int4LmHead: false);

    public static readonly IReadOnlyList<string> Names = ["fp32", "int4"];

    /// <summary>The name used by <c>ortgenai.quantization</c> and <c>lem model convert --quantization</c>.</summary>
    public string Name => Int4 ? "int4" : "fp32";

    /// <summary>A short tag for cache folder names (<c>fp32</c>, <c>int4-b32-a4</c>).</summary>
    public string Tag => Int4 ? $"int4-b{Int4BlockSize}-a{Int4AccuracyLevel}{(Int4LmHead ? "" : "-fp32head")}" : "fp32";

    /// <exception cref="InferenceException">Not fp32 or int4.</exception>
    public static OnnxWeightFormat Parse(string name, string what = "quantization") => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "none" => Fp32,
        "int4" => Int4Block32,
        _ => throw new InferenceException($"{what} is \"{name}\"; the ONNX writer stores weights as fp32 or int4. Remedy: write fp32 or int4."),
    };
}
