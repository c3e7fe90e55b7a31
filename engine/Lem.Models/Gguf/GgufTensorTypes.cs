namespace Lem.Models.Gguf;

/// <summary>
/// Storage of each ggml type: elements per block and bytes per block (ggml's type traits), so the bytes of any tensor,
/// quantized or not, follow from its element count.
/// </summary>
public static class GgufTensorTypes
{
    private static readonly Dictionary<GgufTensorType, (int BlockElements, int BlockBytes)> Layout = new()
    {
        [GgufTensorType.F32] = (1, 4), [GgufTensorType.F16] = (1, 2), [GgufTensorType.BF16] = (1, 2),
        [GgufTensorType.F64] = (1, 8), [GgufTensorType.I8] = (1, 1), [GgufTensorType.I16] = (1, 2),
        [GgufTensorType.I32] = (1, 4), [GgufTensorType.I64] = (1, 8),
        [GgufTensorType.Q4_0] = (32, 18), [GgufTensorType.Q4_1] = (32, 20), [GgufTensorType.Q5_0] = (32, 22),
        [GgufTensorType.Q5_1] = (32, 24), [GgufTensorType.Q8_0] = (32, 34), [GgufTensorType.Q8_1] = (32, 36),
        [GgufTensorType.Q2_K] = (256, 84), [GgufTensorType.Q3_K] = (256, 110), [GgufTensorType.Q4_K] = (256, 144),
        [GgufTensorType.Q5_K] = (256, 176), [GgufTensorType.Q6_K] = (256, 210), [GgufTensorType.Q8_K] = (256, 292),
        [GgufTensorType.IQ2_XXS] = (256, 66), [GgufTensorType.IQ2_XS] = (256, 74), [GgufTensorType.IQ3_XXS] = (256, 98),
        [GgufTensorType.IQ1_S] = (256, 50), [GgufTensorType.IQ4_NL] = (32, 18), [GgufTensorType.IQ3_S] = (256, 110),
        [GgufTensorType.IQ2_S] = (256, 82), [GgufTensorType.IQ4_XS] = (256, 136), [GgufTensorType.IQ1_M] = (256, 56),
        [GgufTensorType.TQ1_0] = (256, 54), [GgufTensorType.TQ2_0] = (256, 66), [GgufTensorType.MXFP4] = (32, 17),
    };

    public static bool IsKnown(GgufTensorType type) => Layout.ContainsKey(type);

    /// <summary>Bytes of <paramref name="elements"/> elements of <paramref name="type"/> (whole blocks).</summary>
    public static long ByteLength(GgufTensorType type, long elements)
    {
        if (!Layout.TryGetValue(type, out var layout))
            throw new InvalidDataException($"ggml tensor type {(uint)type} is not known to lem's GGUF reader");
        if (elements % layout.BlockElements != 0)
            throw new InvalidDataException($"{elements} elements are not whole blocks of {type} ({layout.BlockElements} per block)");
        return elements / layout.BlockElements * layout.BlockBytes;
    }

    /// <summary>Storage bits per weight of a type (block scales included): 8.5 for Q8_0, 4.5 for Q4_K.</summary>
    public static double BitsPerWeight(GgufTensorType type) =>
        Layout.TryGetValue(type, out var layout) ? 8.0 * layout.BlockBytes / layout.BlockElements : double.NaN;
}
