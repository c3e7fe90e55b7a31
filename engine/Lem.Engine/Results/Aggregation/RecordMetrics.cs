using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>Completes a raw record before it is written: throughput and the flat metric map derived from its sections.</summary>
public static class RecordMetrics
{
    /// <summary>
    /// Returns the record with <see cref="RunFigures.Throughput"/> computed from its tokens and window, and
    /// <see cref="RunFigures.Metrics"/> = the canonical metrics + <paramref name="meterMetrics"/> + any non-canonical
    /// metrics already in the record. A meter metric may not reuse a canonical name; non-finite values are dropped.
    /// </summary>
    public static RawRecord Finish(RawRecord record, IReadOnlyDictionary<string, double>? meterMetrics = null)
    {
        var clash = meterMetrics?.Keys.FirstOrDefault(MetricNames.IsCanonical);
        if (clash is not null)
            throw new ArgumentException($"meter metric '{clash}' reuses a canonical metric name; canonical metrics are derived from the record's sections", nameof(meterMetrics));

        var finished = record with { Throughput = ThroughputRecord.From(record.Tokens, record.Window.DurationS) };
        var metrics = CanonicalMetrics.Compute(finished);
        foreach (var (name, value) in record.Metrics)
            if (!MetricNames.IsCanonical(name) && double.IsFinite(value)) metrics[name] = value;
        foreach (var (name, value) in meterMetrics ?? new Dictionary<string, double>())
            if (double.IsFinite(value)) metrics[name] = value;
        return finished with { Metrics = metrics };
    }
}
