namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// A GPU vendor's management library (NVML for NVIDIA; AMD SMI would be another): starts it, maps the devices a run
/// names to <see cref="IGpuDevice"/>s, and says which driver and runtime are installed. How the vendor's runtime numbers
/// devices (for NVIDIA: CUDA ordinals, CUDA_VISIBLE_DEVICES, UUIDs, PCI bus ids) is the implementation's business. Never
/// throws for a missing library, driver or GPU: it says why instead.
/// </summary>
public interface IGpuPlatform
{
    /// <summary>The GPU meter's name in results and in <c>lem env</c> when this platform meters a run (<c>nvml</c>).</summary>
    string MeterName { get; }

    /// <summary>The vendor's words the meter's messages use: library, partitioning, tools, call names.</summary>
    GpuVendorTerms Terms { get; }

    /// <summary>Loads and initialises the library: null when it started (then call <see cref="Shutdown"/> once when done),
    /// otherwise why not.</summary>
    GpuPlatformFailure? Start();

    /// <summary>
    /// After <see cref="Start"/>: the GPUs <paramref name="devices"/> names (<c>cuda:0</c>, a GPU UUID, a PCI bus id),
    /// mapped as the vendor's runtime numbers them under the variables <paramref name="environment"/> reads; with
    /// <paramref name="devices"/> null, every GPU in PCI bus order. Problems are errors; caveats are notes.
    /// </summary>
    GpuOpenResult Open(IReadOnlyList<string>? devices, Func<string, string?> environment);

    /// <summary>After <see cref="Start"/>: driver and runtime versions for the environment record.</summary>
    GpuDriverFacts DriverFacts();

    void Shutdown();
}
