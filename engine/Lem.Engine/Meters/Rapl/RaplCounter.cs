namespace Lem.Engine.Meters.Rapl;

/// <summary>
/// Accumulates a RAPL energy counter that wraps at <c>max_energy_range_uj</c>. Each reading lower than the previous one
/// counts as one wrap, so the poll interval must be short enough that at most one wrap can happen between polls.
/// </summary>
public sealed class RaplCounter(ulong maxEnergyRangeUj)
{
    private ulong _last;
    private bool _started;

    public ulong AccumulatedUj { get; private set; }
    public int Wraps { get; private set; }

    public void Reset(ulong reading)
    {
        _last = reading;
        _started = true;
        AccumulatedUj = 0;
        Wraps = 0;
    }

    public void Update(ulong reading)
    {
        if (!_started) throw new InvalidOperationException("Reset the counter with a first reading before updating it.");
        if (reading >= _last) AccumulatedUj += reading - _last;
        else
        {
            Wraps++;
            // Treat max_energy_range_uj as the modulus, as the kernel's powercap documentation and common tools do.
            AccumulatedUj += maxEnergyRangeUj - _last + reading;
        }
        _last = reading;
    }
}
