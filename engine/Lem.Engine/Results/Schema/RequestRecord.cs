using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>One request of the window, kept so that percentiles can be pooled across workers.</summary>
/// <param name="ArrivalS">Arrival (or send) time, seconds since the window began.</param>
/// <param name="TpotMs">(E2E − TTFT) / (output tokens − 1); null for fewer than 2 output tokens.</param>
/// <param name="ItlMs">Gaps between successive token arrivals; null when not recorded.</param>
/// <param name="QueueMs">Request shape: the wait between arrival and send (a concurrency cap full); null in the batch shape.</param>
/// <param name="Error">Null when it succeeded; else what failed (it then counts in no token, latency or goodput figure).</param>
/// <param name="TokenTimesSpread">True where its token times were spread over multi-token streamed chunks (docs/metrics.md).</param>
/// <param name="Facts">What the backend reported for this request itself (a server's own timings), by snake_case name.</param>
/// <param name="OutputTokensUnknown">True where the backend gave no output-token count (a server without usage): its
/// <paramref name="OutputTokens"/> is 0 and it counts in no token figure; null otherwise.</param>
/// <param name="StartS">When serving it began (its batch's start, or its send time), seconds since the window began;
/// null when not recorded (then the arrival stands in for it).</param>
public sealed record RequestRecord(
    int Index,
    long PromptTokens,
    long OutputTokens,
    double ArrivalS,
    double? TtftMs,
    double? E2eMs,
    double? TpotMs,
    [property: JsonConverter(typeof(CompactNumberListConverter))] IReadOnlyList<double>? ItlMs = null,
    double? QueueMs = null,
    string? Error = null,
    bool? TokenTimesSpread = null,
    IReadOnlyDictionary<string, double>? Facts = null,
    double? StartS = null,
    bool? OutputTokensUnknown = null)
{
    /// <summary>When it was in flight from: its start, else its arrival.</summary>
    [JsonIgnore]
    public double InFlightFromS => StartS ?? ArrivalS;

    /// <summary>When it ended (arrival + end-to-end latency); null without a latency.</summary>
    [JsonIgnore]
    public double? EndS => E2eMs is { } e2e ? ArrivalS + e2e / 1000 : null;
}
