namespace Lem.Engine.Meters.Host;

/// <summary>
/// Mark readings of one window, kept by a host meter: a time and a few numbers per mark, appended under a lock (the
/// runner marks from its workload thread while the meter may poll on its own). Cleared when a window begins.
/// </summary>
public sealed class MarkLog(int values)
{
    private readonly object _gate = new();
    private readonly List<double> _times = [];
    private readonly List<double[]> _values = [];

    public int Count
    {
        get { lock (_gate) return _times.Count; }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _times.Clear();
            _values.Clear();
        }
    }

    public void Add(double timeS, params double[] readings)
    {
        if (readings.Length != values) throw new ArgumentException($"a mark of this meter holds {values} values, not {readings.Length}", nameof(readings));
        lock (_gate)
        {
            _times.Add(timeS);
            _values.Add(readings);
        }
    }

    /// <summary>The marks so far: times and, per mark, its readings.</summary>
    public (double[] TimesS, double[][] Readings) Snapshot()
    {
        lock (_gate) return (_times.ToArray(), _values.ToArray());
    }
}
