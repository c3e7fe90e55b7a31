using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Tests.Meters.Nvml;

/// <summary>A simulated GPU: constant power (settable), an energy counter that advances every <see cref="UpdatePeriodS"/>.</summary>
public sealed class FakeGpu(string uuid, string pciBusId, string name = "NVIDIA H100 80GB HBM3")
{
    public string Uuid { get; } = uuid;
    public string PciBusId { get; } = pciBusId;
    public string Name { get; } = name;
    public double PowerW { get; set; } = 300;
    public double InstantPowerW { get; set; } = double.NaN;
    public double UpdatePeriodS { get; set; } = 0.125;
    public bool CounterSupported { get; set; } = true;
    public bool CounterFrozen { get; set; }
    /// <summary>Time one counter read takes on the fake's clock (NVML in a VM can take milliseconds).</summary>
    public TimeSpan CounterReadDelay { get; set; }
    public bool MigEnabled { get; set; }
    public ulong ClockEventReasons { get; set; }
    public uint TemperatureC { get; set; } = 40;
    public uint PowerLimitMw { get; set; } = 700_000;

    // Energy accumulated up to the last power change, and when that was; the counter shows whole update periods.
    private double _energyJ = 1_000_000;
    private double _sinceS;

    public void SetPower(double watts, double nowS)
    {
        _energyJ = EnergyAtJ(nowS);
        _sinceS = nowS;
        PowerW = watts;
    }

    public double EnergyAtJ(double nowS) => _energyJ + PowerW * Math.Max(0, nowS - _sinceS);

    public ulong CounterMj(double nowS)
    {
        var updated = Math.Floor(nowS / UpdatePeriodS) * UpdatePeriodS;
        return (ulong)(EnergyAtJ(Math.Max(updated, _sinceS)) * 1000);
    }
}
