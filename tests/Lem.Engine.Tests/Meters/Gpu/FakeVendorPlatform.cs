using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Tests.Meters.Gpu;

/// <summary>
/// A made-up second GPU vendor ("fakesmi") behind <see cref="IGpuPlatform"/>, with its own words and its own device
/// numbering: <c>cuda:N</c> is the Nth device it lists, remapped by FAKE_VISIBLE_DEVICES (a list of indices).
/// </summary>
public sealed class FakeVendorPlatform(params FakeVendorDevice[] devices) : IGpuPlatform
{
    public static GpuVendorTerms FakeTerms { get; } = new(
        Library: "FakeSMI",
        Partition: "compute partition",
        FirstGenerationWithCounter: "FA100",
        Tool: "fakesmi-cli",
        PowerCheck: "fakesmi-cli metric --power",
        ClocksCheck: "fakesmi-cli metric --throttle",
        DisablePartitioning: "fakesmi-cli set --partition off",
        Calls: new Dictionary<GpuReading, string>
        {
            [GpuReading.EnergyCounter] = "fakesmi_get_energy_count",
            [GpuReading.AveragePower] = "fakesmi_get_power_info",
        });

    public List<FakeVendorDevice> Devices { get; } = [.. devices];
    public GpuPlatformFailure? StartFailure { get; init; }
    public int StartCalls { get; private set; }
    public int ShutdownCalls { get; private set; }

    public string MeterName => "fakesmi";
    public GpuVendorTerms Terms => FakeTerms;

    public GpuPlatformFailure? Start()
    {
        StartCalls++;
        return StartFailure;
    }

    public GpuOpenResult Open(IReadOnlyList<string>? devices, Func<string, string?> environment)
    {
        if (devices is null) return new GpuOpenResult(Devices.OrderBy(d => d.PciBusId, StringComparer.Ordinal).ToArray(), [], []);
        var visible = environment("FAKE_VISIBLE_DEVICES")?.Split(',').Select(int.Parse).ToArray() ?? Enumerable.Range(0, Devices.Count).ToArray();
        var found = new List<IGpuDevice>();
        var errors = new List<string>();
        foreach (var request in devices)
        {
            var ordinal = int.Parse(request.Replace("cuda:", "", StringComparison.Ordinal));
            if (ordinal < visible.Length && visible[ordinal] < Devices.Count) found.Add(Devices[visible[ordinal]]);
            else errors.Add($"device '{request}': fakesmi sees {visible.Length} device(s).");
        }
        return new GpuOpenResult(found, errors, []);
    }

    public GpuDriverFacts DriverFacts() => new("fake-6.10.5", "7.1");

    public void Shutdown() => ShutdownCalls++;

    /// <summary>A platform whose library is missing.</summary>
    public static FakeVendorPlatform Missing() =>
        new() { StartFailure = new GpuPlatformFailure("FakeSMI library libfakesmi.so not found. Remedy: install the fake driver.", "fakesmi_init failed: not found") };

    /// <summary>One device labelled <c>gpu:0</c> on <paramref name="clock"/>.</summary>
    public static FakeVendorPlatform WithOne(MeterClock clock, Action<FakeVendorDevice>? setup = null)
    {
        var device = new FakeVendorDevice(clock, "gpu:0", "FAKE-0000-aaaa", "00000000:C1:00.0");
        setup?.Invoke(device);
        return new FakeVendorPlatform(device);
    }
}
