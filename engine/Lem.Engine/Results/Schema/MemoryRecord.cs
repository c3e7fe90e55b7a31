namespace Lem.Engine.Results.Schema;

/// <summary>Peak memory: of the process (resident set) and of the device (allocator peak), over the run.</summary>
public sealed record MemoryRecord(long? PeakProcessRssBytes, long? PeakDeviceBytes);
