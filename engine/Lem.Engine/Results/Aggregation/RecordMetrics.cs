using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Validity;

namespace Lem.Engine.Results.Aggregation;

/// <summary>Completes a raw record before it is written: throughput and the flat metric map derived from its sections.</summary>
public static class RecordMetrics
{
    /// <summary>
    /// Returns the record with <see cref="RunFigures.Throughput"/> computed from its tokens and window, and
    /// <see cref="RunFigures.Metrics"/> = the derived canonical metrics + the recorded ones (phase figures, batch figures,
    /// per-request energy computed here from the requests) + <paramref name="meterMetrics"/> + any other metrics already
    /// in the record. A meter metric may not reuse a derived canonical name; non-finite values are dropped.
    /// It also judges the record (<see cref="ValidityEvaluator"/>, with what <paramref name="validity"/> adds) and, when
    /// estimated components dominate the total, adds an <c>estimate-dominates-total</c> warning.
    /// </summary>
    public static RawRecord Finish(RawRecord record, IReadOnlyDictionary<string, double>? meterMetrics = null, ValidityInputs? validity = null)
    {
        var clash = meterMetrics?.Keys.FirstOrDefault(MetricNames.IsDerived);
        if (clash is not null)
            throw new ArgumentException($"meter metric '{clash}' reuses a canonical metric name; canonical metrics are derived from the record's sections", nameof(meterMetrics));

        var given = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in record.Metrics)
            if (!MetricNames.IsDerived(name) && double.IsFinite(value)) given[name] = value;
        foreach (var (name, value) in meterMetrics ?? new Dictionary<string, double>())
            if (double.IsFinite(value)) given[name] = value;
        var finished = record with { Throughput = ThroughputRecord.From(record.Tokens, record.Window.DurationS), Metrics = given };
        foreach (var (name, value) in CanonicalMetrics.RequestEnergyMetrics(finished)) given[name] = value;

        var warnings = record.Warnings.ToList();
        if (EnergyComposition.Of(record.Energy).DominanceWarning() is { } dominance && warnings.All(w => w.Code != dominance.Code))
            warnings.Add(dominance);
        finished = finished with { Warnings = warnings };
        var metrics = CanonicalMetrics.Compute(finished with { Metrics = given });
        foreach (var (name, value) in given) metrics.TryAdd(name, value);
        finished = finished with { Metrics = metrics };
        finished = finished with { Validity = ValidityEvaluator.Evaluate(finished, validity) };
        // the verdict's figures (steady state, sample coverage) are metrics too
        metrics = CanonicalMetrics.Compute(finished with { Metrics = given });
        foreach (var (name, value) in given) metrics.TryAdd(name, value);
        return finished with { Metrics = metrics };
    }
}
