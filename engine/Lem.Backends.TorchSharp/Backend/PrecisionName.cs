using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>The precision parameter (fp32 | fp16 | bf16) as a TorchSharp dtype.</summary>
public static class PrecisionName
{
    public static (string Canonical, ScalarType Dtype) Parse(string precision) => precision.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => ("fp32", ScalarType.Float32),
        "fp16" or "float16" => ("fp16", ScalarType.Float16),
        "bf16" or "bfloat16" => ("bf16", ScalarType.BFloat16),
        _ => throw new InferenceException($"precision \"{precision}\" is not one the torchsharp backend loads; use fp32, fp16 or bf16."),
    };
}
