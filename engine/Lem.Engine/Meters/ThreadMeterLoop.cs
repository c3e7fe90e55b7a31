namespace Lem.Engine.Meters;

/// <summary>The system clock's loop: a background thread that waits, ticks, and measures its own CPU time and allocations.</summary>
internal sealed class ThreadMeterLoop : MeterLoop
{
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;
    private readonly TimeSpan _interval;
    private readonly Action _tick;
    private double? _cpuS;
    private long _allocatedBytes;
    private bool _stopped;

    public ThreadMeterLoop(string name, TimeSpan interval, Action tick)
    {
        _interval = interval;
        _tick = tick;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public override double? CpuS => _cpuS;

    public override long AllocatedBytes => _allocatedBytes;

    private void Run()
    {
        var cpu0 = ThreadCpuTime.NowS();
        var allocated0 = GC.GetAllocatedBytesForCurrentThread();
        while (!_stop.Wait(_interval)) _tick();
        _allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocated0;
        var cpu1 = ThreadCpuTime.NowS();
        _cpuS = cpu0 is { } a && cpu1 is { } b ? b - a : null;
    }

    public override void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
