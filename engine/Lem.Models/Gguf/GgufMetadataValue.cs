namespace Lem.Models.Gguf;

/// <summary>
/// One GGUF metadata value: a scalar (<see cref="Value"/> is byte, sbyte, ushort, short, uint, int, float, bool, string,
/// ulong, long or double as <see cref="Type"/> says) or an array of <see cref="ElementType"/> (<see cref="Value"/> is
/// an array of the matching .NET type: string[], int[], float[]...).
/// </summary>
public sealed record GgufMetadataValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufMetadataValue Of(string value) => new(GgufValueType.String, value);
    public static GgufMetadataValue Of(uint value) => new(GgufValueType.UInt32, value);
    public static GgufMetadataValue Of(int value) => new(GgufValueType.Int32, value);
    public static GgufMetadataValue Of(float value) => new(GgufValueType.Float32, value);
    public static GgufMetadataValue Of(bool value) => new(GgufValueType.Bool, value);
    public static GgufMetadataValue Of(string[] values) => new(GgufValueType.Array, values, GgufValueType.String);
    public static GgufMetadataValue Of(int[] values) => new(GgufValueType.Array, values, GgufValueType.Int32);
    public static GgufMetadataValue Of(float[] values) => new(GgufValueType.Array, values, GgufValueType.Float32);

    /// <summary>An unsigned or signed integer scalar as long (counts and ids are stored as either).</summary>
    public long AsInteger() => Value switch
    {
        byte v => v, sbyte v => v, ushort v => v, short v => v, uint v => v, int v => v, ulong v => checked((long)v), long v => v,
        _ => throw new InvalidCastException($"GGUF value of type {Type} is not an integer"),
    };

    public double AsNumber() => Value switch
    {
        float v => v, double v => v,
        _ => AsInteger(),
    };

    public string AsString() => Value as string ?? throw new InvalidCastException($"GGUF value of type {Type} is not a string");

    public override string ToString() => Value is Array a ? $"[{ElementType} x {a.Length}]" : Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
