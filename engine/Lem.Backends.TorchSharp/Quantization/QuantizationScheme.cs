using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Quantization;

/// <summary>
/// Weight-only quantization of the linear layers (the core <c>quantization</c> parameter): activations stay in the model
/// precision. int8: symmetric per output channel; int4: symmetric per group of <see cref="WeightQuantizer.Int4GroupSize"/>
/// inputs. Scales are fp16.
/// </summary>
public enum QuantizationScheme
{
    None,
    Int8,
    Int4,
}

public static class QuantizationSchemes
{
    public static QuantizationScheme Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => QuantizationScheme.None,
        "int8" => QuantizationScheme.Int8,
        "int4" => QuantizationScheme.Int4,
        _ => throw new InferenceException($"quantization \"{value}\" is not one the torchsharp backend runs; use none, int8 or int4."),
    };

    public static string Name(this QuantizationScheme scheme) => scheme switch
    {
        QuantizationScheme.Int8 => "int8",
        QuantizationScheme.Int4 => "int4",
        _ => "none",
    };

    /// <summary>
    /// The scheme of the LM head (and of the input embeddings where they are tied to it): int8 under both int8 and int4.
    /// The head is a fifth of the weight bytes a Llama-3.2-1B decode step reads, so leaving it in bf16 caps what
    /// quantization can save; 4 bits are not used for it because its errors land directly on the logits (llama.cpp's
    /// 4-bit mixes keep their output tensor at 6 bits or more for the same reason).
    /// </summary>
    public static QuantizationScheme ForLmHead(this QuantizationScheme scheme) =>
        scheme == QuantizationScheme.None ? QuantizationScheme.None : QuantizationScheme.Int8;

    /// <summary>What the record says about the scheme.</summary>
    public static string Describe(this QuantizationScheme scheme) => scheme switch
    {
        QuantizationScheme.Int8 => "int8 weights, symmetric per output channel, fp16 scales; LM head int8",
        QuantizationScheme.Int4 => $"int4 weights, symmetric per group of {WeightQuantizer.Int4GroupSize} inputs, fp16 scales; LM head int8 per output channel",
        _ => "none",
    };
}
