namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// Reads power, memory, utilisation, temperature, clocks and throttle reasons of each GPU at a fixed interval, in the
/// clock's loop (a thread of its own on the system clock), appending structs to preallocated buffers (no allocation per
/// sample).
/// </summary>
public sealed class GpuSampler : IDisposable
{
    private readonly IGpuDevice[] _devices;
    private readonly MeterClock _clock;
    private readonly TimeSpan _interval;
    private MeterLoop? _loop;
    private readonly bool[] _counterSupported;
    private readonly bool[] _instantPowerSupported;

    /// <remarks>A GPU without an energy counter (<see cref="IGpuDevice.HasEnergyCounter"/>) or instant power is never
    /// asked for it, and with no counter at all the counter is neither read nor timed.</remarks>
    public GpuSampler(IReadOnlyList<IGpuDevice> devices, MeterClock clock, TimeSpan interval)
    {
        _devices = devices.ToArray();
        _counterSupported = _devices.Select(d => d.HasEnergyCounter).ToArray();
        _instantPowerSupported = _devices.Select(d => d.HasInstantPower).ToArray();
        if (!_counterSupported.Any(s => s)) CounterReadMs = 0; // nothing to calibrate
        _clock = clock;
        _interval = interval;
        var capacity = (int)Math.Clamp(60.0 / Math.Max(interval.TotalSeconds, 0.001), 64, 1 << 16);
        Buffers = _devices.Select(_ => new SampleBuffer<GpuSample>(capacity)).ToArray();
    }

    /// <summary>One buffer per GPU, in the order of the devices given.</summary>
    public IReadOnlyList<SampleBuffer<GpuSample>> Buffers { get; }

    public TimeSpan Interval => _interval;

    public bool Running => _loop is not null;

    /// <summary>
    /// Clears the buffers, takes a first sample (every field, the counter included) on the calling thread and starts
    /// the sampling loop.
    /// </summary>
    public void Start()
    {
        if (_loop is not null) throw new InvalidOperationException("The sampler is already running.");
        foreach (var b in Buffers) b.Clear();
        _sampleIndex = 0;
        SampleOnce();
        _loop = _clock.StartLoop("lem-gpu-sampler", _interval, SampleOnce);
    }

    /// <summary>Stops the loop, then takes a last sample so that the series covers the window's end.</summary>
    public void Stop()
    {
        if (_loop is null) return;
        _loop.Stop();
        LastRunThreadCpuS = _loop.CpuS;
        LastRunThreadAllocatedBytes = _loop.AllocatedBytes;
        _loop = null;
        SampleOnce();
    }

    /// <summary>
    /// Every this many samples the slow-changing fields (memory, utilisation, temperature, clocks) are read too; the
    /// other samples read only what energy and throttling need (averaged and instant power, throttle reasons, and
    /// the counter when due) and leave those fields NaN.
    /// </summary>
    public const int SecondaryFieldsEvery = 10;

    /// <summary>
    /// Share of one core the sampler's energy-counter reads may use per sampled GPU. Reading the counter costs about
    /// 1 µs on most machines but 3.9 ms in the Firecracker VM of this project's GPU machine (measured with <c>lem env
    /// --sampler-overhead</c>); at 0.4% that VM reads it every tenth 100 ms sample.
    /// </summary>
    public const double CounterCpuBudget = 0.004;

    private long _sampleIndex;

    /// <summary>
    /// The energy counter is read every <see cref="CounterEvery"/> samples, chosen by <see cref="CounterEveryFor"/> from
    /// the measured cost of one read (<see cref="CalibrateCounterReads"/>, done by the first sample unless called
    /// before). A sparser read coarsens only the sampled counter series (per-phase energy); window energy always
    /// comes from counter reads at the window edges.
    /// </summary>
    public int CounterEvery { get; private set; } = 1;

    /// <summary>Wall time of one counter read measured by <see cref="CalibrateCounterReads"/> (ms); null before.</summary>
    public double? CounterReadMs { get; private set; }

    /// <summary>How often the sampled counter series is read: <see cref="CounterEvery"/> × the sample interval.</summary>
    public TimeSpan CounterSamplePeriod => _interval * CounterEvery;

    /// <summary>
    /// The smallest k such that one counter read every k samples costs at most <paramref name="budget"/> of one core:
    /// k = ⌈read cost / (budget × interval)⌉, at least 1. Wall time stands for CPU time (an upper bound of it).
    /// </summary>
    public static int CounterEveryFor(double counterReadMs, TimeSpan interval, double budget = CounterCpuBudget)
    {
        if (!(counterReadMs > 0) || !(interval > TimeSpan.Zero) || !(budget > 0)) return 1;
        var allowedMsPerSample = budget * interval.TotalMilliseconds;
        // the small tolerance keeps an exact multiple (3.2 ms against 0.4 ms) from rounding up by floating-point error
        return Math.Max(1, (int)Math.Ceiling(counterReadMs / allowedMsPerSample - 1e-9));
    }

    /// <summary>
    /// Times three reads of one GPU's energy counter (the first unless told) on the sampler's clock, takes the median
    /// (one read can be slowed by preemption) and sets <see cref="CounterEvery"/> from the budget. All GPUs share the result: they sit behind
    /// the same driver.
    /// </summary>
    public void CalibrateCounterReads(int gpuIndex = 0)
    {
        if (_devices.Length == 0) return;
        ArgumentOutOfRangeException.ThrowIfNegative(gpuIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(gpuIndex, _devices.Length);
        Span<double> ms = stackalloc double[3];
        for (var i = 0; i < ms.Length; i++)
        {
            var startedS = _clock.NowS;
            _devices[gpuIndex].TryReadEnergyMj(out _);
            ms[i] = (_clock.NowS - startedS) * 1000;
        }
        ms.Sort();
        CounterReadMs = ms[1];
        CounterEvery = CounterEveryFor(ms[1], _interval);
    }

    /// <summary>Reads every GPU once and appends one sample to each buffer.</summary>
    public void SampleOnce()
    {
        if (CounterReadMs is null) CalibrateCounterReads();
        var full = _sampleIndex % SecondaryFieldsEvery == 0;
        var readCounter = _sampleIndex % CounterEvery == 0;
        _sampleIndex++;
        for (var i = 0; i < _devices.Length; i++)
        {
            var d = _devices[i];
            var s = new GpuSample { TimeS = _clock.NowS };
            s.EnergyMj = readCounter && _counterSupported[i] && d.TryReadEnergyMj(out var e) ? e : ulong.MaxValue;
            s.AvgPowerW = d.TryReadAveragePowerW(out var p) ? p : double.NaN;
            s.InstantPowerW = _instantPowerSupported[i] && d.TryReadInstantPowerW(out var ip) ? ip : double.NaN;
            s.ThrottleReasons = d.TryReadThrottleReasons(out var reasons) ? reasons : GpuThrottleReasons.None;
            if (!full)
            {
                s.MemoryUsedBytes = s.SmUtilPercent = s.MemoryUtilPercent = s.TemperatureC = s.SmClockMhz = s.MemoryClockMhz = double.NaN;
                Buffers[i].Add(s);
                continue;
            }
            s.MemoryUsedBytes = d.TryReadMemoryUsedBytes(out var used) ? used : double.NaN;
            if (d.TryReadUtilisation(out var gu, out var mu))
            {
                s.SmUtilPercent = gu;
                s.MemoryUtilPercent = mu;
            }
            else
            {
                s.SmUtilPercent = double.NaN;
                s.MemoryUtilPercent = double.NaN;
            }
            s.TemperatureC = d.TryReadTemperatureC(out var t) ? t : double.NaN;
            s.SmClockMhz = d.TryReadSmClockMhz(out var sm) ? sm : double.NaN;
            s.MemoryClockMhz = d.TryReadMemoryClockMhz(out var mem) ? mem : double.NaN;
            Buffers[i].Add(s);
        }
    }

    /// <summary>CPU seconds the sampling thread used in its last run (Linux only; null elsewhere, and on a clock whose
    /// loop has no thread of its own).</summary>
    public double? LastRunThreadCpuS { get; private set; }

    /// <summary>Bytes the sampling thread allocated in its last run (0 when sampling allocates nothing).</summary>
    public long LastRunThreadAllocatedBytes { get; private set; }

    public void Dispose()
    {
        _loop?.Stop();
        _loop = null;
    }
}
