using Lem.Engine.Measurement;
using Lem.Engine.Meters;

namespace Lem.Engine.Running;

/// <summary>
/// The host meters (CPU and RAM: RAPL or estimates) of a data-parallel run, over its whole span: they begin when every
/// worker has reached the start barrier (before any is released into its window) and end when the last worker's window
/// has ended, so a slower worker's tail is measured too. Each worker keeps its own GPU window.
/// A worker calls <see cref="StartTogether"/>, then <see cref="WindowEnded"/> after its window; a worker that fails
/// calls <see cref="Abandon"/>, so that the others neither wait for it at the barrier nor for the span's end.
/// </summary>
public sealed class HostEnergySpan : IDisposable
{
    private enum WorkerState { Preparing, Measuring, Done }

    private readonly IReadOnlyList<IMeter> _meters;
    private readonly MeterClock _clock;
    private readonly Barrier _start;
    private readonly WorkerState[] _states;
    private readonly TaskCompletionSource<WindowMeasurement> _span = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private MeasurementWindow? _window;
    private int _open;

    public HostEnergySpan(IReadOnlyList<IMeter> hostMeters, int workers, MeterClock? clock = null)
    {
        _meters = hostMeters;
        _clock = clock ?? MeterClock.System;
        _states = new WorkerState[workers];
        _open = workers;
        // runs once, on the last arriving thread, before the barrier releases anyone
        _start = new Barrier(workers, _ => _window = MeasurementWindow.Begin("measure", _meters, null, _clock));
    }

    /// <summary>Blocks until every worker still taking part has arrived; the host meters begin before any is released.</summary>
    public void StartTogether(int worker)
    {
        lock (_lock) _states[worker] = WorkerState.Measuring;
        _start.SignalAndWait();
    }

    /// <summary>The worker's window has ended; the last one to end closes the host span.</summary>
    public void WindowEnded(int worker) => Leave(worker);

    /// <summary>The worker failed: before the start it leaves the barrier; after it, its share of the span ends now.</summary>
    public void Abandon(int worker)
    {
        bool beforeStart;
        lock (_lock) beforeStart = _states[worker] == WorkerState.Preparing;
        if (beforeStart) _start.RemoveParticipant();
        Leave(worker);
    }

    /// <summary>What the host meters saw from the common start to the last window's end (blocks until then).</summary>
    public WindowMeasurement WaitForSpan() => _span.Task.GetAwaiter().GetResult();

    private void Leave(int worker)
    {
        lock (_lock)
        {
            if (_states[worker] == WorkerState.Done) return;
            _states[worker] = WorkerState.Done;
            if (--_open > 0) return;
        }
        if (_window is null)
        {
            _span.TrySetException(new RunnerException("no data-parallel worker reached the start of the measurement window, so the host meters measured nothing"));
            return;
        }
        try
        {
            _span.TrySetResult(_window.End());
        }
        catch (Exception e)
        {
            _span.TrySetException(e);
        }
    }

    public void Dispose() => _start.Dispose();
}
