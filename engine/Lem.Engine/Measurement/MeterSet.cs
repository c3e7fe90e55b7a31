using System.Text;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Meters.Host;
using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Rapl;

namespace Lem.Engine.Measurement;

/// <summary>
/// The meters of one experiment, built from <see cref="MeterOptions"/>: a GPU meter for the GPUs it uses (through the
/// first of <see cref="GpuPlatforms"/> whose library starts), RAPL where readable, estimates for CPU and RAM where RAPL
/// does not measure them, and the process meter (the measured processes' CPU time and resident memory, for per-process
/// host energy: <see cref="HostAttribution"/>). Also renders the health report for <c>lem env</c>.
/// </summary>
public sealed class MeterSet : IDisposable
{
    private readonly List<IMeter> _active;
    private readonly List<(MeterHealth Health, string Kind)> _health;
    private readonly MeterClock _clock;
    private readonly Func<string, string?> _environment;
    private readonly string _gpuMeterName;

    private MeterSet(MeterOptions options, List<IMeter> active, List<(MeterHealth, string)> health, GpuMeter? gpu, string gpuMeterName,
        RaplMeter rapl, MeterClock clock, Func<string, string?> environment)
    {
        _gpuMeterName = gpuMeterName;
        Options = options;
        _active = active;
        _health = health;
        Gpu = gpu;
        Rapl = rapl;
        _clock = clock;
        _environment = environment;
    }

    public MeterOptions Options { get; }

    /// <summary>Meters that take part in windows (available ones, and the GPU meter even when unavailable so results say so).</summary>
    public IReadOnlyList<IMeter> Meters => _active;

    /// <summary>Health of every meter considered, including unavailable ones.</summary>
    public IReadOnlyList<MeterHealth> Health => _health.Select(h => h.Health).ToArray();

    /// <summary>The GPU meter; null when the experiment uses no GPU.</summary>
    public GpuMeter? Gpu { get; }

    public RaplMeter Rapl { get; }

    /// <summary>The process meter (CPU time and resident memory of <see cref="MeterOptions.Processes"/>); null when /proc cannot be read.</summary>
    public ProcessMeter? Process => _active.OfType<ProcessMeter>().FirstOrDefault();

    /// <param name="gpuPlatforms">GPU platforms to try in order; null: <see cref="GpuPlatforms.Installed"/>.</param>
    /// <param name="environment">Reads environment variables (the GPU platform's device mapping, such as CUDA_VISIBLE_DEVICES;
    /// the carbon API token); null reads the process's.</param>
    public static MeterSet Create(MeterOptions options, IReadOnlyList<IGpuPlatform>? gpuPlatforms = null, Func<string, string?>? environment = null,
        MeterClock? clock = null, IPowercapFiles? powercapFiles = null)
    {
        gpuPlatforms ??= GpuPlatforms.Installed();
        environment ??= Environment.GetEnvironmentVariable;
        clock ??= MeterClock.System;
        var active = new List<IMeter>();
        var health = new List<(MeterHealth, string)>();

        GpuMeter? gpu = null;
        var gpuDevices = options.Devices.Where(d => !d.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (gpuDevices.Length > 0)
        {
            var interval = options.SampleIntervalMs > 0 ? TimeSpan.FromMilliseconds(options.SampleIntervalMs) : (TimeSpan?)null;
            var gpuOptions = new GpuMeterOptions(gpuDevices, interval, options.KeepTimeSeries, environment)
            { LowConfidenceUpdates = options.LowConfidenceUpdates };
            gpu = GpuMeter.Open(gpuPlatforms, gpuOptions, clock);
            active.Add(gpu);
            health.Add((gpu.Health, gpu.Health.Available ? "measured" : "unavailable"));
        }

        var rapl = RaplMeter.Open(new RaplMeterOptions(options.PowercapRoot), powercapFiles, clock);
        health.Add((rapl.Health, rapl.Health.Available ? "measured" : "unavailable"));
        if (rapl.Health.Available) active.Add(rapl);

        var estimates = new EstimateOptions(options.CpuTdpW, options.RamWattsPerGb, options.ProcRoot);
        if (!rapl.MeasuresPackages)
        {
            var cpu = new CpuEnergyEstimator(estimates, clock);
            health.Add((cpu.Health, cpu.Health.Available ? "estimated" : "unavailable"));
            if (cpu.Health.Available) active.Add(cpu);
        }
        if (!rapl.MeasuresDram)
        {
            var ram = new RamEnergyEstimator(estimates, clock);
            health.Add((ram.Health, ram.Health.Available ? "estimated" : "unavailable"));
            if (ram.Health.Available) active.Add(ram);
        }
        // SampleIntervalMs 0 turns the samplers off: the process meter then reads at the window's edges (and when asked)
        var process = new ProcessMeter(new ProcessMeterOptions(options.ProcRoot, options.Processes, BackgroundSample: options.SampleIntervalMs > 0), clock);
        health.Add((process.Health, process.Health.Available ? "measured" : "unavailable"));
        if (process.Health.Available) active.Add(process);
        else process.Dispose();
        return new MeterSet(options, active, health, gpu, gpuPlatforms.FirstOrDefault()?.MeterName ?? "gpu", rapl, clock, environment);
    }

    /// <summary>Opens a window over all meters; <paramref name="synchronize"/> waits for queued device work at both edges.</summary>
    public MeasurementWindow BeginWindow(string name, Action? synchronize = null) => MeasurementWindow.Begin(name, _active, synchronize, _clock);

    public WindowMeasurement Measure(string name, Action body, Action? synchronize = null) =>
        MeasurementWindow.Measure(name, _active, body, synchronize, _clock);

    /// <summary>Grid carbon intensity per the options' carbon settings (configured, live API with a token, or table).</summary>
    public Task<CarbonIntensity> ResolveCarbonIntensityAsync(HttpClient? http = null, CancellationToken cancel = default) =>
        CarbonIntensityResolver.ResolveAsync(Options.Carbon ?? new CarbonSettings(), _environment, http, cancel);

    /// <summary>CO2 of an energy figure with the options' PUE.</summary>
    public CarbonEstimate Carbon(double? energyJ, CarbonIntensity intensity) =>
        CarbonEstimate.Compute(energyJ, (Options.Carbon ?? new CarbonSettings()).Pue, intensity);

    /// <summary>The text for <c>lem env</c>: what is measured, what is estimated, update periods, why anything is unavailable.</summary>
    public string RenderHealth(CarbonIntensity? carbon = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Meters");
        if (Gpu is null) sb.Append("  not used     ").Append(_gpuMeterName).AppendLine(": the experiment uses no GPU (device = cpu)");
        foreach (var (h, kind) in _health)
        {
            sb.Append("  ").Append(kind.PadRight(12)).Append(' ').Append(h.MeterName).Append(": ");
            sb.AppendLine(h.Available ? h.Measures : h.UnavailableReason);
            if (h.UpdatePeriodMs is { } p)
                sb.Append("               counter update period ").Append(p.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))
                  .Append(" ms; windows shorter than ").Append((p * Options.LowConfidenceUpdates / 1000).ToString("F1", System.Globalization.CultureInfo.InvariantCulture))
                  .AppendLine(" s are flagged low-confidence");
        }
        if (carbon is not null)
            sb.Append("Carbon\n  ").Append(carbon.Source.ToString().ToLowerInvariant().PadRight(12)).Append(' ').AppendLine(carbon.Detail);
        return sb.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
    }

    public void Dispose()
    {
        foreach (var m in _active) m.Dispose();
        if (!_active.Contains(Rapl)) Rapl.Dispose();
    }
}
