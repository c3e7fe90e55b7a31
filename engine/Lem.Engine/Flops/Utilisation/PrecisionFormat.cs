namespace Lem.Engine.Flops.Utilisation;

/// <summary>Precision names as the engine writes them (fp32, fp16, bf16, tf32), with the torch spellings accepted.</summary>
public static class PrecisionFormat
{
    public static string Normalise(string precision) => precision.Trim().ToLowerInvariant() switch
    {
        "float32" or "float" or "fp32" => "fp32",
        "float16" or "half" or "fp16" => "fp16",
        "bfloat16" or "bf16" => "bf16",
        "tf32" or "tensorfloat32" => "tf32",
        var other => other,
    };

    /// <summary>Bytes per stored element (weights or KV cache) for a precision.</summary>
    public static int BytesPerElement(string precision) => Normalise(precision) switch
    {
        "fp32" or "tf32" => 4,
        "fp16" or "bf16" => 2,
        _ => throw new FlopsInputException($"precision \"{precision}\" has no known element size; use fp32, fp16 or bf16."),
    };
}
