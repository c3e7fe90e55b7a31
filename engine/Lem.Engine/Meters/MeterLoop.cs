namespace Lem.Engine.Meters;

/// <summary>A loop started by <see cref="MeterClock.StartLoop"/>, and what it cost once stopped.</summary>
public abstract class MeterLoop : IDisposable
{
    /// <summary>Ends the loop; returns once a tick in progress has finished. Calling it again does nothing.</summary>
    public abstract void Stop();

    /// <summary>CPU seconds the loop's own thread used from start to stop (Linux only); null while running, elsewhere,
    /// or where the loop has no thread of its own.</summary>
    public abstract double? CpuS { get; }

    /// <summary>Bytes the loop allocated from start to stop (0 while running).</summary>
    public abstract long AllocatedBytes { get; }

    public void Dispose() => Stop();
}
