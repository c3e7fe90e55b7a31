namespace Lem.Engine.Results.Schema;

/// <summary>Peak memory: of the process (resident set) and of the device (allocator peak over the window).</summary>
/// <param name="PeakProcessRssMethod">How the process peak was taken: <c>window: VmHWM reset at the window's start</c>,
/// <c>window: largest of N samples</c>, or (older records, null) the process's lifetime peak.</param>
public sealed record MemoryRecord(long? PeakProcessRssBytes, long? PeakDeviceBytes, string? PeakProcessRssMethod = null);
