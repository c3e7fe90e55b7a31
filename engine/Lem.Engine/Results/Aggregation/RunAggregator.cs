using System.Text.Json.Nodes;
using Lem.Engine.Meters;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Validity;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// Late aggregation: one record for a run, derived from its raw per-worker records. Energies and tokens are summed
/// across workers (never multiplied), the window is the union of the worker windows, rates and metrics are
/// recomputed from the sums. Whatever cannot be done exactly is said in <see cref="AggregatedRecord.AggregationNotes"/>.
/// </summary>
public static class RunAggregator
{
    public static AggregatedRecord Aggregate(IReadOnlyList<RawRecord> records, RunStatus status, string sourceFingerprint = "")
    {
        if (records.Count == 0) throw new ArgumentException("a run needs at least one raw record to aggregate", nameof(records));
        var workers = records.OrderBy(r => r.WorkerIndex).ToList();
        var first = workers[0];
        CheckSameRun(workers);

        var notes = new List<string>();
        var workerCount = workers.Max(r => r.WorkerCount);
        var missing = Enumerable.Range(0, workerCount).Except(workers.Select(r => r.WorkerIndex)).ToList();
        if (missing.Count > 0)
            notes.Add($"raw records of {workers.Count} of {workerCount} workers found (missing: {string.Join(", ", missing)}); sums cover the workers found only");
        if (workers.Select(r => r.ToolVersion).Distinct().Count() > 1)
            notes.Add("workers were written by different tool versions: " + string.Join(", ", workers.Select(r => $"worker {r.WorkerIndex} {r.ToolVersion}")));

        var single = workers.Count == 1;
        var window = single ? first.Window : UnionWindow(workers);
        var tokens = workers.Select(r => r.Tokens).Aggregate(TokenCounts.Zero, (a, b) => a + b);

        var figures = new AggregatedRecord
        {
            ToolVersion = first.ToolVersion,
            RunId = first.RunId,
            Experiment = first.Experiment,
            Cycle = first.Cycle,
            WorkerCount = workerCount,
            WorkersFound = workers.Count,
            Status = status,
            StartedUtc = workers.Min(r => r.StartedUtc),
            EndedUtc = workers.Max(r => r.EndedUtc),
            Config = AggregateConfig(workers, notes),
            Environment = AggregateEnvironment(workers),
            Model = AggregateModel(workers),
            Window = window,
            Tokens = tokens,
            Throughput = ThroughputRecord.From(tokens, window.DurationS),
            Latency = single ? first.Latency : AggregateLatency(workers, notes),
            Energy = single ? first.Energy : AggregateEnergy(workers),
            Baseline = single ? first.Baseline : AggregateBaseline(workers, notes),
            Carbon = single ? first.Carbon : AggregateCarbon(workers, notes),
            Flops = single ? first.Flops : AggregateFlops(workers, window.DurationS, tokens.OutputTokens, notes),
            Memory = AggregateMemory(workers),
            Host = single ? first.Host : AggregateHost(workers, notes),
            WorkloadFingerprint = AggregateFingerprint(workers, notes),
            Command = first.Command,
            Validity = ValidityVerdict.Combine(workers.Select(r => (r.WorkerIndex, r.Validity)).ToList()),
            Warnings = workers.SelectMany(r => r.Warnings).Distinct().ToList(),
            SourceFingerprint = sourceFingerprint,
        };

        var metrics = CanonicalMetrics.Compute(figures with { Metrics = RecordedMetrics(workers, tokens, window.DurationS, notes) });
        foreach (var r in workers)
            foreach (var (name, value) in r.Metrics)
                if (!MetricNames.IsCanonical(name))
                    metrics[single ? name : $"worker{r.WorkerIndex}_{name}"] = value;
        return figures with { Metrics = metrics, AggregationNotes = notes };
    }

    /// <summary>
    /// The recorded canonical metrics of the run: one worker's as they are; several workers' summed, padding_ratio and
    /// effective_batch_size recomputed from the sums, per-request energy left out (it needs every worker's energy
    /// over the same window). A metric some worker lacks is left out.
    /// </summary>
    private static Dictionary<string, double> RecordedMetrics(List<RawRecord> workers, TokenCounts tokens, double windowS, List<string> notes)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var recorded = MetricNames.Canonical.Where(d => d.Recorded).ToList();
        if (workers.Count == 1)
        {
            foreach (var d in recorded)
                if (workers[0].Metrics.TryGetValue(d.Name, out var v)) result[d.Name] = v;
            return result;
        }
        foreach (var d in recorded)
        {
            var values = workers.Select(r => r.Metrics.TryGetValue(d.Name, out var v) ? v : (double?)null).ToList();
            if (values.All(v => v is null)) continue;
            if (values.Any(v => v is null))
            {
                notes.Add($"{d.Name}: recorded by some workers only; not reported for the run");
                continue;
            }
            switch (d.Aggregation)
            {
                case RecordedAggregation.Sum:
                    result[d.Name] = values.Sum(v => v!.Value);
                    break;
                case RecordedAggregation.SingleWorker:
                    break; // a per-worker figure (docs/results.md): absent for a run of several workers
                case RecordedAggregation.Recomputed when d.Name == MetricNames.PaddingRatio:
                    if (tokens.PromptPaddedTokens is > 0 && tokens.PromptTokens is { } real) result[d.Name] = (double)(tokens.PromptPaddedTokens.Value - real) / tokens.PromptPaddedTokens.Value;
                    break;
                case RecordedAggregation.Recomputed when d.Name == MetricNames.GoodputRequestsPerS:
                    // good requests of each worker (its rate × its window) over the union window
                    if (windowS > 0) result[d.Name] = workers.Sum(r => r.Metrics[d.Name] * r.Window.DurationS) / windowS;
                    break;
                case RecordedAggregation.Recomputed when d.Name == MetricNames.EffectiveBatchSize:
                    var batches = workers.Sum(r => r.Metrics[d.Name] > 0 ? (r.Tokens.Requests ?? 0) / r.Metrics[d.Name] : 0);
                    if (batches > 0 && tokens.Requests is { } requests) result[d.Name] = requests / batches;
                    break;
            }
        }
        return result;
    }

    private static HostEnergyRecord? AggregateHost(List<RawRecord> workers, List<string> notes)
    {
        var hosts = workers.Where(r => r.Host is not null).ToList();
        if (hosts.Count <= 1) return hosts.FirstOrDefault()?.Host;
        notes.Add($"host: workers {string.Join(", ", hosts.Select(r => r.WorkerIndex))} each carry host figures; the host section shown is worker {hosts[0].WorkerIndex}'s");
        return hosts[0].Host;
    }

    private static string? AggregateFingerprint(List<RawRecord> workers, List<string> notes)
    {
        var prints = workers.Select(r => r.WorkloadFingerprint).Distinct().ToList();
        if (prints.Count == 1) return prints[0];
        notes.Add("workload_fingerprint: workers carry different fingerprints (each should carry the whole prompt set's); none is reported for the run");
        return null;
    }

    private static void CheckSameRun(List<RawRecord> workers)
    {
        var first = workers[0];
        foreach (var r in workers)
        {
            if (r.RunId != first.RunId || r.Experiment != first.Experiment || r.Cycle != first.Cycle)
                throw new ResultsException($"run {first.RunId}: worker {r.WorkerIndex} belongs to run {r.RunId} ({r.Experiment}, cycle {r.Cycle}), not to {first.Experiment} cycle {first.Cycle}. Move the stray raw record out of the run folder.");
        }
        var duplicate = workers.GroupBy(r => r.WorkerIndex).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ResultsException($"run {first.RunId}: two raw records claim worker {duplicate.Key}. Move the stray raw record out of the run folder.");
    }

    private static WindowRecord UnionWindow(List<RawRecord> workers)
    {
        var begin = workers.Min(r => r.Window.BeginUtc);
        var end = workers.Max(r => r.Window.EndUtc);
        return workers[0].Window with { DurationS = (end - begin).TotalSeconds, BeginUtc = begin, EndUtc = end };
    }

    private static IReadOnlyDictionary<string, ParameterRecord> AggregateConfig(List<RawRecord> workers, List<string> notes)
    {
        var first = workers[0].Config;
        foreach (var r in workers.Skip(1))
        {
            var differing = first.Keys.Union(r.Config.Keys)
                .Where(k => !first.TryGetValue(k, out var a) || !r.Config.TryGetValue(k, out var b) || ParameterRecord.Text(a.Value) != ParameterRecord.Text(b.Value))
                .OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (differing.Count > 0)
                notes.Add($"worker {r.WorkerIndex} config differs from worker {workers[0].WorkerIndex} in {string.Join(", ", differing)}; the config shown is worker {workers[0].WorkerIndex}'s");
        }
        return first;
    }

    private static JsonObject AggregateEnvironment(List<RawRecord> workers)
    {
        var environment = (JsonObject)workers[0].Environment.DeepClone();
        foreach (var r in workers.Skip(1))
        {
            foreach (var (key, value) in r.Environment)
            {
                var mine = workers[0].Environment[key];
                if (mine is null || !JsonNode.DeepEquals(mine, value))
                    environment[$"worker{r.WorkerIndex}.{key}"] = value?.DeepClone();
            }
        }
        return environment;
    }

    private static ModelRecord? AggregateModel(List<RawRecord> workers)
    {
        var model = workers[0].Model;
        if (model is null) return null;
        var loads = workers.Select(r => r.Model?.LoadTimeS).Where(s => s is not null).ToList();
        // the loads' energy: every worker's components (each its own GPUs; in data mode the host is not metered per worker)
        var energy = workers.Where(r => r.Model?.LoadEnergy is not null).SelectMany(r => r.Model!.LoadEnergy!).ToList();
        return model with
        {
            LoadTimeS = loads.Count > 0 ? loads.Max() : null,
            LoadEnergy = energy.Count > 0 ? energy : null,
            LoadEnergyJ = ModelRecord.SumOf(energy),
        };
    }

    private static IReadOnlyDictionary<string, LatencySummary> AggregateLatency(List<RawRecord> workers, List<string> notes)
    {
        var result = new Dictionary<string, LatencySummary>(StringComparer.Ordinal);
        var names = workers.SelectMany(r => r.Latency.Keys).Distinct().OrderBy(LatencyOrder).ToList();
        var allRequests = workers.All(r => r.Requests is not null) ? workers.SelectMany(r => r.Requests!).ToList() : null;
        foreach (var name in names)
        {
            var pooled = allRequests is null ? null : PooledSamples(name, allRequests);
            if (pooled is not null)
            {
                result[name] = LatencySummary.FromSamples(pooled);
                continue;
            }
            var summaries = workers.Where(r => r.Latency.ContainsKey(name)).Select(r => r.Latency[name]).Where(s => s.Count > 0 && s.MeanMs is not null).ToList();
            var count = summaries.Sum(s => s.Count);
            double? mean = count > 0 ? summaries.Sum(s => s.MeanMs!.Value * s.Count) / count : null;
            result[name] = new LatencySummary(count, mean, null, null, null, null);
            notes.Add(PooledSamples(name, []) is null
                ? $"{name}: percentiles not pooled across workers (the per-request records do not carry this latency); the mean is weighted by sample count"
                : $"{name}: percentiles not pooled across workers (per-request records missing); the mean is weighted by sample count");
        }
        return result;
    }

    private static int LatencyOrder(string name)
    {
        var i = LatencyNames.All.ToList().IndexOf(name);
        return i < 0 ? int.MaxValue : i;
    }

    /// <summary>Samples of one latency from all requests, or null when the requests do not carry it.</summary>
    private static List<double>? PooledSamples(string name, List<RequestRecord> requests)
    {
        switch (name)
        {
            case LatencyNames.Ttft: return requests.Where(q => q.TtftMs is not null).Select(q => q.TtftMs!.Value).ToList();
            case LatencyNames.E2e: return requests.Where(q => q.E2eMs is not null).Select(q => q.E2eMs!.Value).ToList();
            case LatencyNames.Tpot: return requests.Where(q => q.TpotMs is not null).Select(q => q.TpotMs!.Value).ToList();
            case LatencyNames.Itl:
                if (requests.Any(q => q.OutputTokens > 1 && q.ItlMs is null)) return null;
                return requests.SelectMany(q => q.ItlMs ?? []).ToList();
            default: return null;
        }
    }

    /// <summary>
    /// Sums each component across the workers that report it. A component reported by several workers whose windows
    /// overlap is a shared device (a CPU package seen by every process): summing would count it more than once, so it
    /// is reported unavailable with the reason. A sum with an unavailable part is unavailable.
    /// </summary>
    private static IReadOnlyList<EnergyRecord> AggregateEnergy(List<RawRecord> workers)
    {
        var result = new List<EnergyRecord>();
        var components = workers.SelectMany(r => r.Energy.Select(e => e.Component)).Distinct().ToList();
        foreach (var component in components)
        {
            var parts = workers.SelectMany(r => r.Energy.Where(e => e.Component == component).Select(e => (Worker: r, Figure: e))).ToList();
            if (parts.Count == 1)
            {
                result.Add(parts[0].Figure);
                continue;
            }
            var workerList = string.Join(", ", parts.Select(p => p.Worker.WorkerIndex));
            var method = string.Join("; ", parts.Select(p => p.Figure.Method).Distinct());
            if (Overlap(parts.Select(p => p.Worker.Window).ToList()))
            {
                result.Add(new EnergyRecord(component, null, EnergySource.Unavailable, method,
                    $"reported by workers {workerList} over overlapping windows: a shared device, summing would count it more than once (measure shared components in one worker only)"));
                continue;
            }
            var unavailable = parts.Where(p => p.Figure.EnergyJ is null || p.Figure.Source == EnergySource.Unavailable).ToList();
            if (unavailable.Count > 0)
            {
                var why = string.Join("; ", unavailable.Select(p => $"worker {p.Worker.WorkerIndex}: {p.Figure.Note ?? "unavailable"}"));
                result.Add(new EnergyRecord(component, null, EnergySource.Unavailable, method, $"unavailable in part ({why}); a partial sum is not reported"));
                continue;
            }
            var (energy, source) = EnergyComponents.Sum(parts.Select(p => p.Figure));
            var sources = parts.Select(p => p.Figure.Source).Distinct().ToList();
            var noteParts = parts.Select(p => p.Figure.Note).Where(n => n is not null).Distinct().ToList();
            if (sources.Count > 1) noteParts.Insert(0, "mixed sources: " + string.Join(", ", sources.Select(EnergySourceText.Of)));
            result.Add(new EnergyRecord(component, energy, source, method,
                noteParts.Count > 0 ? string.Join("; ", noteParts) : null, parts.Any(p => p.Figure.LowConfidence), parts.Any(p => p.Figure.Attributed)));
        }
        return result;
    }

    private static bool Overlap(List<WindowRecord> windows)
    {
        for (var i = 0; i < windows.Count; i++)
            for (var j = i + 1; j < windows.Count; j++)
                if (windows[i].BeginUtc < windows[j].EndUtc && windows[j].BeginUtc < windows[i].EndUtc) return true;
        return false;
    }

    private static BaselineRecord? AggregateBaseline(List<RawRecord> workers, List<string> notes)
    {
        var baselines = workers.Select(r => r.Baseline).ToList();
        if (baselines.All(b => b is null)) return null;
        if (baselines.Any(b => b is null))
        {
            notes.Add("baseline: measured by some workers only; no run baseline is reported");
            return null;
        }
        var all = baselines.Select(b => b!).ToList();
        return new BaselineRecord(
            SumOrNull(all.Select(b => b.PowerW)),
            all.Max(b => b.MeasuredDurationS),
            SumOrNull(all.Select(b => b.AdjustedEnergyJ)),
            all.SelectMany(b => b.Components).Distinct().ToList(),
            all.All(b => b.Cached),
            Join(all.Select(b => b.Note)));
    }

    private static CarbonRecord? AggregateCarbon(List<RawRecord> workers, List<string> notes)
    {
        var carbons = workers.Select(r => r.Carbon).ToList();
        if (carbons.All(c => c is null)) return null;
        if (carbons.Any(c => c is null))
        {
            notes.Add("carbon: computed by some workers only; no run CO2 is reported");
            return null;
        }
        var all = carbons.Select(c => c!).ToList();
        var intensities = all.Select(c => c.IntensityGPerKwh).Distinct().ToList();
        var pues = all.Select(c => c.Pue).Distinct().ToList();
        if (intensities.Count > 1) notes.Add("carbon: workers used different carbon intensities; co2_g is their sum, no single intensity is reported");
        return new CarbonRecord(
            SumOrNull(all.Select(c => c.Co2G)),
            intensities.Count == 1 ? intensities[0] : null,
            pues.Count == 1 ? pues[0] : null,
            string.Join("; ", all.Select(c => c.Source).Distinct()),
            Join(all.Select(c => c.Note)));
    }

    /// <summary>
    /// FLOPs are summed. MFU/MBU of the run = Σ(uᵢ·Tᵢ) / (N·T) over N workers with windows Tᵢ and union window T,
    /// which is exact when each worker drives one device of the same peak.
    /// </summary>
    private static FlopsRecord? AggregateFlops(List<RawRecord> workers, double windowS, long? outputTokens, List<string> notes)
    {
        var flops = workers.Select(r => r.Flops).ToList();
        if (flops.All(f => f is null)) return null;
        if (flops.Any(f => f is null))
        {
            notes.Add("flops: counted by some workers only; no run FLOPs are reported");
            return null;
        }
        var all = workers.Select(r => (r.Window.DurationS, Flops: r.Flops!)).ToList();
        var total = SumOrNull(all.Select(w => w.Flops.TotalFlops));
        double? Utilisation(Func<FlopsRecord, double?> pick) =>
            windowS > 0 && all.All(w => pick(w.Flops) is not null)
                ? all.Sum(w => pick(w.Flops)!.Value * w.DurationS) / (all.Count * windowS)
                : null;
        const string utilisationNote = "time-weighted across workers over the union window; assumes one device of equal peak per worker";
        var mfu = Utilisation(f => f.Mfu);
        var mbu = Utilisation(f => f.Mbu);
        return new FlopsRecord(
            string.Join("; ", all.Select(w => w.Flops.Method).Distinct()),
            string.Join("; ", all.Select(w => w.Flops.Confidence).Distinct()),
            SumOrNull(all.Select(w => w.Flops.PrefillFlops)),
            SumOrNull(all.Select(w => w.Flops.DecodeFlops)),
            total,
            total is { } t && outputTokens is > 0 ? t / outputTokens : null,
            mfu, mfu is null ? Join(all.Select(w => w.Flops.MfuNote)) : utilisationNote,
            mbu, mbu is null ? Join(all.Select(w => w.Flops.MbuNote)) : utilisationNote);
    }

    private static MemoryRecord? AggregateMemory(List<RawRecord> workers)
    {
        var memories = workers.Select(r => r.Memory).Where(m => m is not null).Select(m => m!).ToList();
        if (memories.Count == 0) return null;
        return new MemoryRecord(memories.Max(m => m.PeakProcessRssBytes), memories.Max(m => m.PeakDeviceBytes),
            Join(memories.Select(m => m.PeakProcessRssMethod)));
    }

    private static double? SumOrNull(IEnumerable<double?> values)
    {
        var list = values.ToList();
        return list.Any(v => v is null) ? null : list.Sum(v => v!.Value);
    }

    private static string? Join(IEnumerable<string?> texts)
    {
        var distinct = texts.Where(t => !string.IsNullOrEmpty(t)).Distinct().ToList();
        return distinct.Count > 0 ? string.Join("; ", distinct) : null;
    }
}
