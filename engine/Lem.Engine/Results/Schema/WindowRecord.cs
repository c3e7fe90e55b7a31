namespace Lem.Engine.Results.Schema;

/// <summary>
/// The measurement window: from the device-synchronised begin to the device-synchronised end.
/// <see cref="DurationS"/> is measured with a monotonic clock; the timestamps place the window in time
/// (they let aggregation take the union of worker windows).
/// </summary>
public sealed record WindowRecord(double DurationS, DateTimeOffset BeginUtc, DateTimeOffset EndUtc);
