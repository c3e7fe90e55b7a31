using Lem.Engine.Meters.Carbon;
using Lem.Engine.Meters.Host;
using Lem.Engine.Meters.Rapl;

namespace Lem.Engine.Measurement;

/// <summary>Typed meter settings; the runner fills them from the resolved experiment config.</summary>
/// <param name="Devices">Devices the experiment uses (<c>cuda:0</c>, <c>cuda:1</c>, <c>cpu</c>, GPU UUIDs, PCI bus ids).</param>
/// <param name="SampleIntervalMs">GPU power sampler period in ms (default 100); 0 turns the samplers off (the GPU's, and the
/// process meter's background sampling of the resident set).</param>
/// <param name="KeepTimeSeries">Keep sampled series in results.</param>
/// <param name="CpuTdpW">cpu.tdp_w: TDP per socket for the CPU estimate; null uses the built-in table.</param>
/// <param name="RamWattsPerGb">ram.w_per_gb for the RAM estimate; null uses 0.375 W/GiB.</param>
/// <param name="Carbon">Carbon settings; null means default settings (no region: CO2 unavailable unless configured).</param>
/// <param name="PowercapRoot">RAPL powercap folder.</param>
/// <param name="ProcRoot">proc folder for CPU/RAM estimates.</param>
public sealed record MeterOptions(
    IReadOnlyList<string> Devices,
    double SampleIntervalMs = 100,
    bool KeepTimeSeries = false,
    double? CpuTdpW = null,
    double? RamWattsPerGb = null,
    CarbonSettings? Carbon = null,
    string PowercapRoot = RaplMeterOptions.DefaultRoot,
    string ProcRoot = "/proc")
{
    /// <summary>Windows spanning fewer GPU counter updates than this are low-confidence.</summary>
    public double LowConfidenceUpdates { get; init; } = 10;

    /// <summary>The processes host energy is attributed to; null: the lem process (a server backend gives its process tree).</summary>
    public IProcessSet? Processes { get; init; }
}
