namespace Lem.Engine.Results.Schema;

/// <summary>Peak memory: of the process (resident set since the process started) and of the device (allocator peak over the window).</summary>
public sealed record MemoryRecord(long? PeakProcessRssBytes, long? PeakDeviceBytes);
