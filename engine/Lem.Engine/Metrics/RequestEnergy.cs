namespace Lem.Engine.Metrics;

/// <summary>
/// Energy per request by processor sharing: at every instant the power is shared equally among the requests in
/// flight, E_r = ∫ over [start_r, end_r] of P(t) / n(t) dt. With only the window's energy known, P is its mean power,
/// so E_r = P̄ × ∫ 1/n(t) dt. Time when no request is in flight belongs to none, so the mean of E_r is at most
/// energy / requests (docs/metrics.md).
/// </summary>
public static class RequestEnergy
{
    /// <summary>Each request's ∫ 1/n(t) dt over its own interval, in seconds, in the order given.</summary>
    public static double[] SharedSeconds(IReadOnlyList<(double StartS, double EndS)> requests, double windowFromS, double windowToS)
    {
        var segments = InFlight.Segments(requests, windowFromS, windowToS);
        var result = new double[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (start, end) = requests[i];
            foreach (var s in segments)
            {
                if (s.Count == 0 || s.ToS <= start || s.FromS >= end) continue;
                var overlap = Math.Min(s.ToS, end) - Math.Max(s.FromS, start);
                if (overlap > 0) result[i] += overlap / s.Count;
            }
        }
        return result;
    }

    /// <summary>E_r = mean power × shared seconds, for a window of <paramref name="windowEnergyJ"/> over <paramref name="windowS"/>.</summary>
    public static double[] Joules(IReadOnlyList<(double StartS, double EndS)> requests, double windowEnergyJ, double windowS) =>
        windowS > 0 ? SharedSeconds(requests, 0, windowS).Select(s => s * windowEnergyJ / windowS).ToArray() : [];
}
