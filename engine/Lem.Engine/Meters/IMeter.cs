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

    /// <summary>The window's result, from the readings <see cref="CaptureWindowEnd"/> took (taking them now if it was not called).</summary>
    MeterWindowResult EndWindow();
}
