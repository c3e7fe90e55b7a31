using System.Diagnostics;
using Lem.Engine.Inference;
using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Workload;

/// <summary>
/// A stand-in for a loaded model: every step (prefill included) sleeps <c>stepTime</c> on its clock (a manual clock
/// advances at once), then reports one token per unfinished row to the observer. Row r of a batch generates
/// <c>outputTokens(promptLength)</c> tokens, capped by max_new_tokens.
/// </summary>
internal sealed class FakeModel(TimeSpan stepTime, Func<int, int> outputTokens, bool reportTokens = true, int rowsReturnedDelta = 0,
    MeterClock? clock = null) : IBatchModel
{
    private readonly MeterClock _clock = clock ?? MeterClock.System;

    public List<int> BatchSizes { get; } = [];

    public static readonly ModelInfo DefaultInfo = new("fake", "FakeForCausalLM", "fake", 1, 1, "fp32", "cpu", 4096, 50_000, null, "{}");

    public ModelInfo Info { get; init; } = DefaultInfo;
    public ITextTokenizer Tokenizer { get; } = new WordTokenizer();
    public long? PeakDeviceMemoryBytes => null;

    /// <summary>With <see cref="ReportsFacts"/>: <c>fake_batches</c>, a counter of Generate calls since load, and
    /// <c>fake_threads</c>, a constant.</summary>
    public bool ReportsFacts { get; init; }

    public IReadOnlyDictionary<string, object> Facts => ReportsFacts
        ? new Dictionary<string, object> { ["fake_batches"] = (long)BatchSizes.Count, ["fake_threads"] = 4 }
        : new Dictionary<string, object>();

    public IReadOnlyCollection<string> CounterFacts => ReportsFacts ? ["fake_batches"] : [];

    /// <summary>The Generate call (1-based, warm-up included) that throws, as a backend that died would; null: none.</summary>
    public int? FailsAtCall { get; init; }

    public bool Disposed { get; private set; }

    public BatchGeneration Generate(IReadOnlyList<int[]> promptTokenIds, GenerationSettings settings, ITokenObserver? observer = null)
    {
        BatchSizes.Add(promptTokenIds.Count);
        if (BatchSizes.Count == FailsAtCall) throw new InferenceException("the fake backend died (scripted failure)");
        var targets = promptTokenIds.Select(p => Math.Min(settings.MaxNewTokens, Math.Max(settings.MinNewTokens, outputTokens(p.Length)))).ToArray();
        var outputs = targets.Select(_ => new List<int>()).ToArray();
        var steps = targets.Max();
        var start = _clock.NowTicks;
        long firstTokens = start;
        var step = new int[promptTokenIds.Count];
        for (var s = 0; s < steps; s++)
        {
            _clock.Sleep(stepTime);
            for (var row = 0; row < step.Length; row++)
            {
                step[row] = s < targets[row] ? 1000 + s : -1;
                if (step[row] >= 0) outputs[row].Add(step[row]);
            }
            var now = _clock.NowTicks;
            if (s == 0) firstTokens = now;
            if (reportTokens) observer?.OnTokens(s, step, now);
        }
        var end = _clock.NowTicks;
        var longest = promptTokenIds.Max(p => p.Length);
        var returned = outputs.Select(o => o.ToArray()).Take(outputs.Length + rowsReturnedDelta).ToArray();
        return new BatchGeneration(
            returned,
            promptTokenIds.Sum(p => (long)p.Length),
            (long)promptTokenIds.Count * longest,
            (double)(firstTokens - start) / Stopwatch.Frequency,
            (double)(end - firstTokens) / Stopwatch.Frequency);
    }

    public void Synchronize() { }
    public void ResetPeakDeviceMemory() { }
    /// <summary>Called when the model is disposed (a test's teardown on the clock: a server stopping).</summary>
    public Action? OnDispose { get; init; }

    public void Dispose()
    {
        Disposed = true;
        OnDispose?.Invoke();
    }
}
