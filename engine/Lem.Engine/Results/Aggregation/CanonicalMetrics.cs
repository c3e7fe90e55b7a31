using Lem.Engine.Metrics;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// Computes the canonical metrics (<see cref="MetricNames"/>) from a record's sections. A metric whose inputs are
/// missing or unavailable is left out (exports write NA), never set to 0; non-finite values are left out too.
/// Recorded canonical metrics (<see cref="MetricDefinition.Recorded"/>: phase times and energies, batch figures) are
/// taken from the record's metrics as they are, and the derived ones that need them (energy per input token) read them there.
/// </summary>
public static class CanonicalMetrics
{
    public static Dictionary<string, double> Compute(RunFigures f)
    {
        var m = new Dictionary<string, double>(StringComparer.Ordinal);
        void Put(string name, double? value)
        {
            if (value is { } v && double.IsFinite(v)) m[name] = v;
        }
        static double? Ratio(double? numerator, double? denominator) => numerator is { } n && denominator is > 0 ? n / denominator : null;

        var duration = f.Window.DurationS;
        var t = f.Tokens;
        var totalTokens = t.TotalTokens;
        Put(MetricNames.WindowDurationS, duration);
        Put(MetricNames.Requests, t.Requests);
        Put(MetricNames.PromptTokens, t.PromptTokens);
        Put(MetricNames.PromptPaddedTokens, t.PromptPaddedTokens);
        Put(MetricNames.OutputTokens, t.OutputTokens);
        Put(MetricNames.TotalTokens, totalTokens);

        var throughput = ThroughputRecord.From(t, duration);
        Put(MetricNames.OutputTokensPerS, throughput.OutputTokensPerS);
        Put(MetricNames.TotalTokensPerS, throughput.TotalTokensPerS);
        Put(MetricNames.RequestsPerS, throughput.RequestsPerS);

        var total = f.Energy.Count > 0 ? EnergyComponents.Sum(f.Energy).EnergyJ : null;
        var categoryEnergy = new Dictionary<string, double?>();
        foreach (var category in EnergyComponents.Categories)
        {
            var inCategory = EnergyComponents.InCategory(f.Energy, category).ToList();
            if (inCategory.Count > 0) categoryEnergy[category] = EnergyComponents.Sum(inCategory).EnergyJ;
        }
        Put(MetricNames.EnergyTotalJ, total);
        Put(MetricNames.EnergyGpuJ, categoryEnergy.GetValueOrDefault(EnergyComponents.Gpu));
        Put(MetricNames.EnergyCpuJ, categoryEnergy.GetValueOrDefault(EnergyComponents.Cpu));
        Put(MetricNames.EnergyRamJ, categoryEnergy.GetValueOrDefault(EnergyComponents.Ram));
        Put(MetricNames.EnergyOtherJ, categoryEnergy.GetValueOrDefault(EnergyComponents.Other));
        Put(MetricNames.EnergyPerOutputTokenJ, Ratio(total, t.OutputTokens));
        Put(MetricNames.EnergyPerTokenJ, Ratio(total, totalTokens));
        Put(MetricNames.EnergyPerRequestJ, Ratio(total, t.Requests));
        Put(MetricNames.EnergyGpuPerOutputTokenJ, Ratio(categoryEnergy.GetValueOrDefault(EnergyComponents.Gpu), t.OutputTokens));
        Put(MetricNames.AvgPowerW, Ratio(total, duration));

        Put(MetricNames.EnergyWhPer1kOutputTokens, Ratio(total, t.OutputTokens) is { } perToken ? perToken / 3600 * 1000 : null);
        var composition = EnergyComposition.Of(f.Energy);
        Put(MetricNames.EnergyEstimatedShare, composition.EstimatedShare);

        foreach (var metric in MetricNames.Canonical.Where(d => d.Recorded))
            if (f.Metrics.TryGetValue(metric.Name, out var recorded)) Put(metric.Name, recorded);
        PhaseTotals(f, categoryEnergy, Put);
        HostFigures(f, t.OutputTokens, Put);
        if (f.Validity?.Figures is { } validity)
            foreach (var name in new[] { MetricNames.SteadyStateShare, MetricNames.EnergySteadyStateJ, MetricNames.PowerSampleCoverage })
                if (validity.TryGetValue(name, out var v)) Put(name, v);

        Put(MetricNames.BaselinePowerW, f.Baseline?.PowerW);
        Put(MetricNames.EnergyAdjustedJ, f.Baseline?.AdjustedEnergyJ);
        Put(MetricNames.Co2G, f.Carbon?.Co2G);
        Put(MetricNames.CarbonIntensityGPerKwh, f.Carbon?.IntensityGPerKwh);

        foreach (var (name, summary) in f.Latency)
        {
            Put(MetricNames.Latency(name, "mean"), summary.MeanMs);
            Put(MetricNames.Latency(name, "p50"), summary.P50Ms);
            Put(MetricNames.Latency(name, "p90"), summary.P90Ms);
            Put(MetricNames.Latency(name, "p95"), summary.P95Ms);
            Put(MetricNames.Latency(name, "p99"), summary.P99Ms);
            Put(MetricNames.LatencySamples(name), summary.Count);
        }

        if (f.Flops is { } flops)
        {
            Put(MetricNames.FlopsPrefill, flops.PrefillFlops);
            Put(MetricNames.FlopsDecode, flops.DecodeFlops);
            Put(MetricNames.FlopsTotal, flops.TotalFlops);
            Put(MetricNames.FlopsPerOutputToken, Ratio(flops.TotalFlops, t.OutputTokens));
            Put(MetricNames.Mfu, flops.Mfu);
            Put(MetricNames.Mbu, flops.Mbu);
        }

        Put(MetricNames.PeakProcessRssBytes, f.Memory?.PeakProcessRssBytes);
        Put(MetricNames.PeakDeviceMemoryBytes, f.Memory?.PeakDeviceBytes);

        if (f.Model is { } model)
        {
            Put(MetricNames.ModelParameters, model.ParameterCount);
            Put(MetricNames.ModelWeightBytes, model.WeightBytes);
            Put(MetricNames.ModelLoadS, model.LoadTimeS);
            Put(MetricNames.ModelLoadEnergyJ, model.LoadEnergyJ);
        }
        return m;
    }

    private static readonly (string Category, string Prefill, string Decode)[] PhaseNames =
    [
        (EnergyComponents.Gpu, MetricNames.GpuPrefillEnergyJ, MetricNames.GpuDecodeEnergyJ),
        (EnergyComponents.Cpu, MetricNames.CpuPrefillEnergyJ, MetricNames.CpuDecodeEnergyJ),
        (EnergyComponents.Ram, MetricNames.RamPrefillEnergyJ, MetricNames.RamDecodeEnergyJ),
    ];

    /// <summary>
    /// energy_prefill_j and energy_decode_j: the phase energies of every energy category the record has, summed — absent
    /// when a category with energy lacks its phase figure (a partial sum would understate it) or an "other" component exists.
    /// </summary>
    private static void PhaseTotals(RunFigures f, Dictionary<string, double?> categoryEnergy, Action<string, double?> put)
    {
        var categories = categoryEnergy.Keys.ToList();
        if (categories.Count == 0 || categories.Contains(EnergyComponents.Other)) return;
        double? Sum(Func<(string Category, string Prefill, string Decode), string> pick)
        {
            var total = 0.0;
            foreach (var names in PhaseNames.Where(p => categories.Contains(p.Category)))
            {
                if (!f.Metrics.TryGetValue(pick(names), out var v)) return null;
                total += v;
            }
            return total;
        }
        var prefill = Sum(p => p.Prefill);
        put(MetricNames.EnergyPrefillJ, prefill);
        put(MetricNames.EnergyDecodeJ, Sum(p => p.Decode));
        put(MetricNames.EnergyPerInputTokenJ, prefill is { } j && f.Tokens.PromptTokens is > 0 ? j / f.Tokens.PromptTokens : null);
    }

    /// <summary>The host section's figures: system energies beside the attributed ones, shares, idle-adjusted energy.</summary>
    private static void HostFigures(RunFigures f, long? outputTokens, Action<string, double?> put)
    {
        if (f.Host is not { } host) return;
        put(MetricNames.HostProcessCpuShare, host.ProcessCpuShare);
        put(MetricNames.HostOtherCpuShare, host.OtherCpuShare);
        double? SystemSum(string category)
        {
            var parts = host.Components.Where(c => EnergyComponents.Category(c.Component) == category).Select(c => c.System).ToList();
            return parts.Count > 0 ? EnergyComponents.Sum(parts).EnergyJ : null;
        }
        put(MetricNames.EnergyCpuSystemJ, SystemSum(EnergyComponents.Cpu));
        put(MetricNames.EnergyRamSystemJ, SystemSum(EnergyComponents.Ram));
        var hostComponents = host.Components.Select(c => c.Component).ToHashSet(StringComparer.Ordinal);
        var systemEnergy = f.Energy.Where(e => !hostComponents.Contains(e.Component)).Concat(host.Components.Select(c => c.System)).ToList();
        var systemTotal = systemEnergy.Count > 0 ? EnergyComponents.Sum(systemEnergy).EnergyJ : null;
        put(MetricNames.EnergyTotalSystemJ, systemTotal);
        put(MetricNames.EnergyPerOutputTokenSystemJ, systemTotal is { } s && outputTokens is > 0 ? s / outputTokens : null);
        if (host.Components.Count > 0 && host.Components.All(c => c.IdlePowerW is not null))
        {
            put(MetricNames.HostBaselinePowerW, host.Components.Sum(c => c.IdlePowerW!.Value));
            if (host.Components.All(c => c.ProcessAdjustedJ is not null))
                put(MetricNames.EnergyHostAdjustedJ, host.Components.Sum(c => c.ProcessAdjustedJ!.Value));
        }
    }

    /// <summary>
    /// The recorded per-request energy metrics of a raw record with per-request times: E_r = mean power × ∫ 1/n(t) dt
    /// over the request (<see cref="RequestEnergy"/>), summarised as mean, p50, p99. Empty without requests or energy.
    /// </summary>
    public static Dictionary<string, double> RequestEnergyMetrics(RawRecord record)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (record.Requests is not { Count: > 0 } requests || record.Energy.Count == 0) return result;
        if (EnergyComponents.Sum(record.Energy).EnergyJ is not { } total) return result;
        var intervals = requests.Where(r => r.EndS is not null).Select(r => (r.InFlightFromS, r.EndS!.Value)).ToList();
        var joules = RequestEnergy.Joules(intervals, total, record.Window.DurationS);
        if (joules.Length == 0) return result;
        Array.Sort(joules);
        result[MetricNames.RequestEnergyJMean] = joules.Average();
        result[MetricNames.RequestEnergyJP50] = Percentiles.OfSorted(joules, 50);
        result[MetricNames.RequestEnergyJP99] = Percentiles.OfSorted(joules, 99);
        return result;
    }
}
