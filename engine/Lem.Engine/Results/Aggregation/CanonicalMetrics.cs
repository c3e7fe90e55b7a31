using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// Computes the canonical metrics (<see cref="MetricNames"/>) from a record's sections. A metric whose inputs are
/// missing or unavailable is left out (exports write NA), never set to 0; non-finite values are left out too.
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
        static double? Ratio(double? numerator, double denominator) => numerator is { } n && denominator > 0 ? n / denominator : null;

        var duration = f.Window.DurationS;
        var t = f.Tokens;
        var totalTokens = t.PromptTokens + t.OutputTokens;
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
        }
        return m;
    }
}
