namespace Lem.Models.Gguf;

/// <summary>
/// A tensor to write: name, ggml-order dimensions, type, and a callback that writes exactly its bytes (streamed, so a
/// large model is never held whole in memory).
/// </summary>
public sealed record GgufTensorData(string Name, long[] Dimensions, GgufTensorType Type, Action<Stream> WriteData)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => checked(a * b));
    public long ByteLength => GgufTensorTypes.ByteLength(Type, ElementCount);
}
