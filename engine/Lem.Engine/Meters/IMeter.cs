namespace Lem.Engine.Meters;

/// <summary>
/// A meter reacts to window edges like a BenchmarkDotNet diagnoser. The runner synchronises the device
/// before <see cref="BeginWindow"/> and before <see cref="EndWindow"/>; meters must do no heavy work at the edges
/// (reading counters only; samplers run on their own thread).
/// </summary>
public interface IMeter : IDisposable
{
    string Name { get; }
    MeterHealth Health { get; }
    void BeginWindow(string windowName);

    /// <summary>
    /// Takes this meter's end-of-window readings (counters, clock, /proc) and computes nothing. A window calls it on
    /// every meter before any <see cref="EndWindow"/>, so that one meter's result computation never falls inside
    /// another meter's window. Without it, <see cref="EndWindow"/> takes the readings itself.
    /// </summary>
    void CaptureWindowEnd()
    {
    }

    /// <summary>
    /// Takes a cheap reading at a mark of the workload — a batch's (or request's) start, its first token, its end —
    /// at <paramref name="windowTimeS"/> on the workload's clock (seconds since the window's start, as the batch records).
    /// Host meters (RAPL, the CPU and RAM estimates) keep these readings and return them as <c>marks:COMPONENT</c>
    /// series (<see cref="Host.HostMarks"/>) so that <see cref="Host.HostPhaseSplit"/> can give prefill and decode
    /// energy; other meters ignore marks. Called from the workload thread: no allocation-heavy or blocking work.
    /// </summary>
    void Mark(double windowTimeS)
    {
    }

    /// <summary>The window's result, from the readings <see cref="CaptureWindowEnd"/> took (taking them now if it was not called).</summary>
    MeterWindowResult EndWindow();
}
