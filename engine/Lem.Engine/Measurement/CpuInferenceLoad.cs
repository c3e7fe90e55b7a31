using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lem.Engine.Measurement;

/// <summary>
/// A CPU-bound, inference-like fixed workload for throughput comparisons where no GPU runs the load: each "token" is a
/// pass of a state vector through <c>layers</c> matrix-vector products (hidden × hidden, float32, seeded random
/// weights), as in one decode step; each of <c>threads</c> threads decodes its own sequence over the shared weights.
/// Not a model: only its speed matters, and it is the same code in every round.
/// </summary>
public sealed class CpuInferenceLoad
{
    private readonly float[][] _weights;
    private readonly int _hidden;

    public CpuInferenceLoad(int hiddenSize = 512, int layers = 8, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _hidden = hiddenSize;
        Threads = threads;
        var random = new Random(0);
        var scale = 1 / MathF.Sqrt(hiddenSize);
        _weights = Enumerable.Range(0, layers)
            .Select(_ => Enumerable.Range(0, hiddenSize * hiddenSize).Select(_ => (random.NextSingle() * 2 - 1) * scale).ToArray())
            .ToArray();
    }

    public int Threads { get; }

    /// <summary>What one unit of <see cref="RunFor"/>'s result is.</summary>
    public string Unit => "tokens";

    public string Describe() =>
        $"CPU decode-like loop: {_weights.Length} layers of {_hidden}x{_hidden} float32 matrix-vector products per token, {Threads} thread(s)";

    /// <summary>Decodes until <paramref name="duration"/> has passed on every thread; returns the tokens done.</summary>
    public double RunFor(TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var counts = new long[Threads];
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() => counts[i] = Decode(stopwatch, duration, i))
        {
            IsBackground = true,
            Name = "lem-cpu-load",
        }).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        return counts.Sum();
    }

    // fully optimised from the first call, so that JIT tiering does not make the first round slower than the others
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long Decode(Stopwatch stopwatch, TimeSpan duration, int seed)
    {
        var x = new float[_hidden];
        var y = new float[_hidden];
        for (var i = 0; i < _hidden; i++) x[i] = (seed + i) % 7 - 3;
        long tokens = 0;
        while (stopwatch.Elapsed < duration)
        {
            foreach (var w in _weights)
            {
                for (var row = 0; row < _hidden; row++) y[row] = Dot(w.AsSpan(row * _hidden, _hidden), x);
                // keeps the values bounded, as a norm layer would
                var norm = MathF.Sqrt(Dot(y, y) / _hidden) + 1e-6f;
                for (var i = 0; i < _hidden; i++) x[i] = y[i] / norm;
            }
            tokens++;
        }
        return tokens;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        var total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
