namespace Lem.Models.Gguf;

/// <summary>
/// A tensor as a GGUF file describes it. <paramref name="Dimensions"/> are in ggml order (innermost first: a
/// [out, in] weight of PyTorch is [in, out] here). <paramref name="Offset"/> is from the start of the data section.
/// </summary>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgufTensorType Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => checked(a * b));
    public long ByteLength => GgufTensorTypes.ByteLength(Type, ElementCount);
}
