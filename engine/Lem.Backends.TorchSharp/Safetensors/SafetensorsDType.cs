using Lem.Engine.Inference;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Safetensors;

/// <summary>The safetensors dtype names this backend reads and writes, their sizes and TorchSharp types.</summary>
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

    public static torch.ScalarType ToScalarType(string dtype) => dtype switch
    {
        "BOOL" => torch.ScalarType.Bool,
        "U8" => torch.ScalarType.Byte,
        "I8" => torch.ScalarType.Int8,
        "I16" => torch.ScalarType.Int16,
        "I32" => torch.ScalarType.Int32,
        "I64" => torch.ScalarType.Int64,
        "F16" => torch.ScalarType.Float16,
        "BF16" => torch.ScalarType.BFloat16,
        "F32" => torch.ScalarType.Float32,
        "F64" => torch.ScalarType.Float64,
        _ => throw new InferenceException($"safetensors dtype '{dtype}' cannot be loaded into TorchSharp. Remedy: convert the checkpoint to one of {string.Join(", ", Supported)}."),
    };

    public static string FromScalarType(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => "BOOL",
        torch.ScalarType.Byte => "U8",
        torch.ScalarType.Int8 => "I8",
        torch.ScalarType.Int16 => "I16",
        torch.ScalarType.Int32 => "I32",
        torch.ScalarType.Int64 => "I64",
        torch.ScalarType.Float16 => "F16",
        torch.ScalarType.BFloat16 => "BF16",
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float64 => "F64",
        _ => throw new InferenceException($"TorchSharp type {type} has no safetensors dtype here. Remedy: convert the tensor to one of {string.Join(", ", Supported)}."),
    };
}
