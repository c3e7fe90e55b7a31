using Lem.Engine.Meters.Gpu;
using Lem.Engine.Metrics;

namespace Lem.Engine.Results.Validity;

/// <summary>
/// The part of the window at steady state: the time with at least the target number of requests in flight (from the
/// per-request start and end times), its share of the window, and the energy over it beside the whole window's —
/// from power samples where there are some (∫P over the steady segments / ∫P over the window × window energy, so the
/// sensor's scale cancels), else from the window's mean power (energy × share).
/// </summary>
public sealed record SteadyState(double ShareOfWindow, double SteadyS, double? SteadyEnergyJ, double? WindowEnergyJ, bool FromPowerSamples)
{
    public static SteadyState? Compute(IReadOnlyList<(double StartS, double EndS)> requests, int target, double windowS, double? windowEnergyJ,
        IReadOnlyList<IReadOnlyList<(double TimeS, double PowerW)>>? powerSeries = null)
    {
        if (requests.Count == 0 || target < 1 || !(windowS > 0)) return null;
        var steady = InFlight.Segments(requests, 0, windowS).Where(s => s.Count >= target).ToList();
        var steadyS = steady.Sum(s => s.DurationS);
        var share = steadyS / windowS;
        double? energy = windowEnergyJ is { } total ? total * share : null;
        var fromSamples = false;
        if (windowEnergyJ is { } windowJ && powerSeries is { Count: > 0 })
        {
            double whole = 0, part = 0;
            foreach (var series in powerSeries.Where(s => s.Count >= 2))
            {
                var times = series.Select(p => p.TimeS).ToArray();
                var powers = series.Select(p => p.PowerW).ToArray();
                whole += PowerIntegration.TrapezoidJ(times, powers, 0, windowS) ?? 0;
                foreach (var s in steady) part += PowerIntegration.TrapezoidJ(times, powers, s.FromS, s.ToS) ?? 0;
            }
            if (whole > 0)
            {
                energy = windowJ * part / whole;
                fromSamples = true;
            }
        }
        return new SteadyState(share, steadyS, energy, windowEnergyJ, fromSamples);
    }
}
