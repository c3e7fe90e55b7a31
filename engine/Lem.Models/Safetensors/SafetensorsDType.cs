using Lem.Engine.Inference;

namespace Lem.Models.Safetensors;

/// <summary>The safetensors dtype names lem reads and writes, and their sizes.</summary>
public static class SafetensorsDType
{
    /// <summary>
    /// Python safetensors' Dtype enum order (its declared "increasing alignment" order); files list tensors by
    /// this rank descending, then by name.
    /// </summary>
    private static readonly string[] RankOrder = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    public static readonly IReadOnlyList<string> Supported = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"];

    public static bool IsSupported(string dtype) => Supported.Contains(dtype);

    public static int Size(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => throw new InferenceException($"safetensors dtype '{dtype}' is not known. Remedy: use one of {string.Join(", ", Supported)}."),
    };

    /// <summary>Position in Python safetensors' Dtype order (higher is written first).</summary>
    public static int Rank(string dtype)
    {
        int rank = Array.IndexOf(RankOrder, dtype);
        return rank >= 0 ? rank : throw new InferenceException($"safetensors dtype '{dtype}' is not known. Remedy: use one of {string.Join(", ", Supported)}.");
    }
}
