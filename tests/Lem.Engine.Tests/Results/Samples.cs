using System.Text.Json.Nodes;
using Lem.Engine.Config;
using Lem.Engine.Meters;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

/// <summary>Raw records with known figures, so that tests can check sums and ratios by hand.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyDictionary<string, ParameterRecord> Config(int batchSize = 8) => ParameterRecord.OfAll(
    [
        new("model", new ResolvedValue(new ConfigValue.Call("synthetic", [new ConfigValue.Text("tiny")], []), Provenance.DefaultValue)),
        new("precision", new ResolvedValue(new ConfigValue.Word("bf16"), new Provenance.Assignment("paper.lem", 12, 3))),
        new("batching.batch_size", new ResolvedValue(new ConfigValue.Integer(batchSize), new Provenance.Sweep("grid", "paper.lem", 20))),
        new("baseline.duration", new ResolvedValue(new ConfigValue.Duration(TimeSpan.FromSeconds(30)), new Provenance.CommandLine("--set baseline.duration=30s"))),
    ]);

    /// <summary>
    /// A finished raw record of one worker: window of <paramref name="durationS"/> starting <paramref name="startOffsetS"/>
    /// after <see cref="T0"/>, 4 requests, 400 prompt tokens (512 padded), 200 output tokens, GPU energy
    /// <paramref name="gpuJ"/> (null: unavailable) on component gpu:WORKER, CPU 50 J estimated.
    /// </summary>
    public static RawRecord Raw(
        string runId,
        int worker = 0,
        int workers = 1,
        double startOffsetS = 0,
        double durationS = 10,
        double? gpuJ = 1000,
        string experiment = "llama_bf16",
        int cycle = 0,
        bool withRequests = true,
        IReadOnlyList<EnergyRecord>? energy = null,
        int batchSize = 8)
    {
        var begin = T0.AddSeconds(startOffsetS);
        var end = begin.AddSeconds(durationS);
        var gpu = gpuJ is { } j
            ? new EnergyRecord($"gpu:{worker}", j, EnergySource.MeasuredCounter, "nvmlDeviceGetTotalEnergyConsumption delta")
            : new EnergyRecord($"gpu:{worker}", null, EnergySource.Unavailable, "none", "MIG instance: NVML gives no per-instance energy");
        var requests = Enumerable.Range(0, 4).Select(i => new RequestRecord(
            i + 4 * worker, 100, 50, i * 0.5,
            TtftMs: 10 + 10 * worker + i, E2eMs: 1000 + 100 * worker + i, TpotMs: 20 + worker,
            ItlMs: Enumerable.Repeat(20.0 + worker, 49).ToList())).ToList();
        var record = new RawRecord
        {
            ToolVersion = "0.1.0",
            RunId = runId,
            Experiment = experiment,
            Cycle = cycle,
            WorkerIndex = worker,
            WorkerCount = workers,
            StartedUtc = begin.AddSeconds(-5),
            EndedUtc = end.AddSeconds(1),
            Config = Config(batchSize),
            Environment = new JsonObject { ["gpu_name"] = "NVIDIA H100 80GB HBM3", ["gpu_power_limit_w"] = 700, ["worker_pid"] = 1000 + worker },
            Model = new ModelRecord("LlamaForCausalLM", "llama", 1_235_814_400, "bf16", $"cuda:{worker}", 2_471_628_800, 3.5 + worker, "/models/llama"),
            Window = new WindowRecord(durationS, begin, end),
            Tokens = new TokenCounts(4, 400, 512, 200),
            Latency = new Dictionary<string, LatencySummary>
            {
                [LatencyNames.Ttft] = LatencySummary.FromSamples(requests.Select(q => q.TtftMs!.Value)),
                [LatencyNames.E2e] = LatencySummary.FromSamples(requests.Select(q => q.E2eMs!.Value)),
            },
            Energy = energy ?? [gpu, new EnergyRecord("cpu:package-0", 50, EnergySource.Estimated, "utilisation x TDP (65 W)")],
            Flops = new FlopsRecord("analytical", "high", 1e12, 2e12, 3e12, 3e12 / 200, Mfu: 0.2, Mbu: 0.5),
            Memory = new MemoryRecord(2_000_000_000 + worker, 3_000_000_000 + worker),
            Warnings = [new WarningRecord("LEM3001", "window shorter than 10 counter updates", "measure more prompts")],
            Requests = withRequests ? requests : null,
        };
        return RecordMetrics.Finish(record, new Dictionary<string, double> { [$"gpu{worker}_max_temperature_c"] = 60 + worker });
    }
}
