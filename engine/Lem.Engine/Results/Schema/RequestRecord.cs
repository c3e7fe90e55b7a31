using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>One request of the window, kept so that percentiles can be pooled across workers.</summary>
/// <param name="ArrivalS">Arrival (or send) time, seconds since the window began.</param>
/// <param name="TpotMs">(E2E − TTFT) / (output tokens − 1); null for fewer than 2 output tokens.</param>
/// <param name="ItlMs">Gaps between successive token arrivals; null when not recorded.</param>
public sealed record RequestRecord(
    int Index,
    long PromptTokens,
    long OutputTokens,
    double ArrivalS,
    double? TtftMs,
    double? E2eMs,
    double? TpotMs,
    [property: JsonConverter(typeof(CompactNumberListConverter))] IReadOnlyList<double>? ItlMs = null);
