namespace Lem.Models.Safetensors;

/// <summary>
/// A tensor to write. <see cref="WriteData"/> writes exactly the tensor's bytes (little-endian, C order) to the
/// stream when its turn comes, so large tensors can be produced while streaming.
/// </summary>
public sealed record SafetensorsTensor(string Name, string DType, long[] Shape, Action<Stream> WriteData)
{
    public long ByteLength => Shape.Aggregate(1L, (a, b) => checked(a * b)) * SafetensorsDType.Size(DType);

    public static SafetensorsTensor FromBytes(string name, string dtype, long[] shape, byte[] data) =>
        new(name, dtype, shape, s => s.Write(data));
}
