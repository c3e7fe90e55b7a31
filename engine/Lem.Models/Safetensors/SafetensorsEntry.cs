namespace Lem.Models.Safetensors;

/// <summary>One tensor of a safetensors header: offsets are relative to the start of the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
    public long ByteLength => End - Begin;
}
