using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>One request of the window, kept so that percentiles can be pooled across workers.</summary>
/// <param name="ArrivalS">Arrival (or send) time, seconds since the window began.</param>
/// <param name="TpotMs">(E2E − TTFT) / (output tokens − 1); null for fewer than 2 output tokens.</param>
/// <param name="ItlMs">Gaps between successive token arrivals; null when not recorded.</param>
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
    double? StartS = null)
{
    /// <summary>When it was in flight from: its start, else its arrival.</summary>
    [JsonIgnore]
    public double InFlightFromS => StartS ?? ArrivalS;

    /// <summary>When it ended (arrival + end-to-end latency); null without a latency.</summary>
    [JsonIgnore]
    public double? EndS => E2eMs is { } e2e ? ArrivalS + e2e / 1000 : null;
}
