namespace Lem.Engine.Flops.Utilisation;

/// <summary>Precision names as the engine writes them (fp32, fp16, bf16, tf32), with the torch and llama.cpp spellings accepted.</summary>
public static class PrecisionFormat
{
    public static string Normalise(string precision) => precision.Trim().ToLowerInvariant() switch
    {
        "float32" or "float" or "fp32" or "f32" => "fp32",
        "float16" or "half" or "fp16" or "f16" => "fp16",
        "bfloat16" or "bf16" => "bf16",
        "tf32" or "tensorfloat32" => "tf32",
        var other => other,
    };

    /// <summary>
    /// Bytes per stored element (weights or KV cache) for a precision, or for llama.cpp's q8_0 KV cache: blocks of 32
    /// int8 values with one fp16 scale, 34 bytes per 32 elements.
    /// </summary>
    public static double BytesPerElement(string precision) => Normalise(precision) switch
    {
        "fp32" or "tf32" => 4,
        "fp16" or "bf16" => 2,
        "q8_0" => 34.0 / 32,
        _ => throw new FlopsInputException($"precision \"{precision}\" has no known element size; use fp32, fp16 or bf16 (or q8_0 for a KV cache)."),
    };
}
