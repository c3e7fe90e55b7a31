namespace Lem.Engine.Meters.Estimates;

/// <summary>Settings of the CPU and RAM estimates.</summary>
/// <param name="CpuTdpW">Configured TDP per socket (cpu.tdp_w); null looks the model up in the built-in table.</param>
/// <param name="RamWattsPerGb">RAM power per GiB (ram.w_per_gb); null uses <see cref="DefaultRamWattsPerGb"/>.</param>
/// <param name="ProcRoot">The proc folder (tests pass a fake one).</param>
public sealed record EstimateOptions(double? CpuTdpW = null, double? RamWattsPerGb = null, string ProcRoot = "/proc")
{
    /// <summary>
    /// 0.375 W per GiB: CodeCarbon's RAM model (3 W per 8 GB of memory), used by its releases up to 2.x.
    /// </summary>
    public const double DefaultRamWattsPerGb = 0.375;

    /// <summary>An estimate over a window of fewer /proc/stat ticks per CPU than this (10 ticks = 100 ms) is low-confidence.</summary>
    public double LowConfidenceTicks { get; init; } = 10;
}
