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
    MeterWindowResult EndWindow();
}
