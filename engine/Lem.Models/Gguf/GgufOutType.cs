namespace Lem.Models.Gguf;

/// <summary>
/// The float type a Hugging Face checkpoint is written in: each tensor's own type (F32, F16 or BF16), or one of
/// them for every matrix. One-dimensional tensors (norms, biases) stay F32, as llama.cpp's converter keeps them.
/// </summary>
public enum GgufOutType
{
    Source,
    F32,
    F16,
    BF16,
}

public static class GgufOutTypes
{
    public static readonly IReadOnlyList<string> Names = ["source", "f32", "f16", "bf16"];

    public static string Name(GgufOutType type) => Names[(int)type];

    public static bool TryParse(string text, out GgufOutType type)
    {
        int index = Names.ToList().IndexOf(text.Trim().ToLowerInvariant());
        type = index < 0 ? GgufOutType.Source : (GgufOutType)index;
        return index >= 0;
    }

    /// <summary>The tensor type for a matrix whose source type is <paramref name="source"/>.</summary>
    internal static GgufTensorType For(GgufOutType type, GgufTensorType source) => type switch
    {
        GgufOutType.F32 => GgufTensorType.F32,
        GgufOutType.F16 => GgufTensorType.F16,
        GgufOutType.BF16 => GgufTensorType.BF16,
        _ => source,
    };

    /// <summary>general.file_type (llama_ftype) values of float files: all F32, mostly F16, mostly BF16.</summary>
    public const uint FileTypeAllF32 = 0, FileTypeMostlyF16 = 1, FileTypeMostlyBf16 = 32;

    /// <summary>general.file_type (llama_ftype) of a file whose matrices are <paramref name="type"/>.</summary>
    internal static uint FileType(GgufTensorType type) => type switch
    {
        GgufTensorType.F16 => FileTypeMostlyF16,
        GgufTensorType.BF16 => FileTypeMostlyBf16,
        _ => FileTypeAllF32,
    };
}
