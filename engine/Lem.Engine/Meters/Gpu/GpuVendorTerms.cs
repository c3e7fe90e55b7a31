namespace Lem.Engine.Meters.Gpu;

/// <summary>The vendor's words in the GPU meter's messages, so that causes and remedies name the right library and tools.</summary>
/// <param name="Library">The management library as users know it (<c>NVML</c>).</param>
/// <param name="Partition">What the vendor calls a GPU split into instances (<c>MIG</c>).</param>
/// <param name="FirstGenerationWithCounter">The first GPU generation with an energy counter (<c>Volta</c>).</param>
/// <param name="Tool">The vendor's command-line tool (<c>nvidia-smi</c>).</param>
/// <param name="PowerCheck">The command that shows power and its limit.</param>
/// <param name="ClocksCheck">The command that shows why clocks are limited.</param>
/// <param name="DisablePartitioning">The command that turns partitioning off.</param>
/// <param name="Calls">The vendor call behind each reading (<c>nvmlDeviceGetTotalEnergyConsumption</c>); readings it lacks are absent.</param>
public sealed record GpuVendorTerms(
    string Library,
    string Partition,
    string FirstGenerationWithCounter,
    string Tool,
    string PowerCheck,
    string ClocksCheck,
    string DisablePartitioning,
    IReadOnlyDictionary<GpuReading, string> Calls)
{
    /// <summary>The vendor call behind a reading, or the reading's own name where the vendor gave none.</summary>
    public string Call(GpuReading reading) => Calls.TryGetValue(reading, out var call) ? call : reading.ToString();
}
