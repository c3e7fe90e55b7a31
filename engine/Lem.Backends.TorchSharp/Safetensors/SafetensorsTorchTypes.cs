using Lem.Engine.Inference;
using Lem.Models.Safetensors;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Safetensors;

/// <summary>Safetensors dtype names as TorchSharp scalar types, and back.</summary>
public static class SafetensorsTorchTypes
{
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
        _ => throw new InferenceException($"safetensors dtype '{dtype}' cannot be loaded into TorchSharp. Remedy: convert the checkpoint to one of {string.Join(", ", SafetensorsDType.Supported)}."),
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
        _ => throw new InferenceException($"TorchSharp type {type} has no safetensors dtype here. Remedy: convert the tensor to one of {string.Join(", ", SafetensorsDType.Supported)}."),
    };
}
