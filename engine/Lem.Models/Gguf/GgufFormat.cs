namespace Lem.Models.Gguf;

/// <summary>Constants of the GGUF container (version 3).</summary>
public static class GgufFormat
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;
    public const uint Version = 3;
    /// <summary>Alignment of the data section and of each tensor in it when <c>general.alignment</c> is absent.</summary>
    public const int DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    public static long Align(long offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}
