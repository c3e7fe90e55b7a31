using Lem.Engine.Meters;

namespace Lem.Engine.Measurement;

/// <summary>
/// One measurement window: synchronises the device, begins every meter, and at <see cref="End"/> synchronises again
/// (all work of the window finished), takes every meter's end readings, then ends every meter (computing results). A meter that fails at the end yields an unavailable
/// result with a warning instead of losing the other meters' figures.
/// </summary>
public sealed class MeasurementWindow
{
    private readonly IReadOnlyList<IMeter> _meters;
    private readonly Action? _synchronize;
    private readonly MeterClock _clock;
    private readonly double _beginS;
    private bool _ended;

    private MeasurementWindow(string name, IReadOnlyList<IMeter> meters, Action? synchronize, MeterClock clock)
    {
        Name = name;
        _meters = meters;
        _synchronize = synchronize;
        _clock = clock;
        _synchronize?.Invoke();
        foreach (var m in _meters) m.BeginWindow(name);
        _beginS = _clock.NowS;
    }

    public string Name { get; }

    /// <param name="synchronize">Waits until all queued device work is finished (e.g. torch.cuda.synchronize); null on CPU.</param>
    public static MeasurementWindow Begin(string name, IReadOnlyList<IMeter> meters, Action? synchronize = null, MeterClock? clock = null) =>
        new(name, meters, synchronize, clock ?? MeterClock.System);

    public WindowMeasurement End()
    {
        if (_ended) throw new InvalidOperationException($"Window '{Name}' has already ended.");
        _ended = true;
        _synchronize?.Invoke();
        var duration = _clock.NowS - _beginS;
        foreach (var m in _meters)
        {
            try
            {
                m.CaptureWindowEnd(); // every meter's end readings first, then the computations
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // EndWindow reports it below (it takes the readings again, or fails with the reason)
            }
        }
        var results = new List<MeterWindowResult>();
        foreach (var m in _meters)
        {
            try
            {
                results.Add(m.EndWindow());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var why = $"meter {m.Name} failed at the end of window '{Name}': {e.Message}";
                results.Add(MeterWindowResult.Create(m.Name, [EnergyFigure.Unavailable(m.Name, why)], new Dictionary<string, double>(),
                    [new MeterWarning("meter-failed", why, "This meter's figures are missing from the result; run `lem env` to check the meters.")]));
            }
        }
        return new WindowMeasurement(Name, duration, results);
    }

    /// <summary>Runs <paramref name="body"/> inside a window.</summary>
    public static WindowMeasurement Measure(string name, IReadOnlyList<IMeter> meters, Action body, Action? synchronize = null, MeterClock? clock = null)
    {
        var window = Begin(name, meters, synchronize, clock);
        body();
        return window.End();
    }
}
