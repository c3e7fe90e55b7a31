namespace Lem.Engine.Metrics;

/// <summary>
/// Requests in flight over time: the intervals [start, end) of the requests cut into segments within which the number
/// in flight is constant. The basis of the steady-state share and of per-request energy.
/// </summary>
public static class InFlight
{
    public readonly record struct Segment(double FromS, double ToS, int Count)
    {
        public double DurationS => ToS - FromS;
    }

    /// <summary>Segments over [windowFrom, windowTo] (requests are clipped to it), in time order, zero-count gaps included.</summary>
    public static IReadOnlyList<Segment> Segments(IReadOnlyList<(double StartS, double EndS)> requests, double windowFromS, double windowToS)
    {
        var events = new List<(double T, int Delta)>();
        foreach (var (start, end) in requests)
        {
            var from = Math.Max(windowFromS, start);
            var to = Math.Min(windowToS, end);
            if (!(to > from)) continue;
            events.Add((from, +1));
            events.Add((to, -1));
        }
        events.Sort((a, b) => a.T != b.T ? a.T.CompareTo(b.T) : a.Delta.CompareTo(b.Delta));
        var segments = new List<Segment>();
        var open = 0;
        var at = windowFromS;
        foreach (var (t, delta) in events)
        {
            if (t > at) segments.Add(new Segment(at, t, open));
            open += delta;
            at = Math.Max(at, t);
        }
        if (windowToS > at) segments.Add(new Segment(at, windowToS, open));
        return segments;
    }
}
