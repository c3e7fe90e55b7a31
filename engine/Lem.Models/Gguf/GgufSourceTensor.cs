namespace Lem.Models.Gguf;

/// <summary>A tensor of a Hugging Face checkpoint: its checkpoint name, PyTorch shape ([out, in]), float type, and a callback writing its raw little-endian bytes.</summary>
public sealed record GgufSourceTensor(string Name, long[] Shape, GgufTensorType Type, Action<Stream> WriteRaw)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}
