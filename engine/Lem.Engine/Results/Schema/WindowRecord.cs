namespace Lem.Engine.Results.Schema;

/// <summary>
/// The measurement window: from the device-synchronised begin to the device-synchronised end.
/// <see cref="DurationS"/> is measured with a monotonic clock; the timestamps place the window in time
/// (they let aggregation take the union of worker windows).
/// </summary>
/// <param name="ExecutionShape"><c>batch</c> (lem formed the batches and the backend ran each) or <c>request</c> (lem
/// dispatched requests and the backend batched them itself, as a server does).</param>
/// <param name="Edges">How the window's edges were taken: <c>device-synchronised</c> where lem reaches the device, or
/// <c>first-send-to-last-response</c> where the backend is a server whose device lem cannot synchronise.</param>
public sealed record WindowRecord(double DurationS, DateTimeOffset BeginUtc, DateTimeOffset EndUtc,
    string ExecutionShape = "batch", string Edges = "device-synchronised");
