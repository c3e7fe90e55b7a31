using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Measurement;

/// <summary>A meter that records window edges into a shared log, optionally failing at the end.</summary>
public sealed class RecordingMeter(string name, List<string> log, bool failAtEnd = false, bool logsCapture = false) : IMeter
{
    public void CaptureWindowEnd()
    {
        if (logsCapture) log.Add($"{name} capture");
    }

    public string Name => name;
    public MeterHealth Health => new(name, true, "test");

    public void BeginWindow(string windowName) => log.Add($"{name} begin {windowName}");

    public MeterWindowResult EndWindow()
    {
        log.Add($"{name} end");
        if (failAtEnd) throw new IOException("device vanished");
        return MeterWindowResult.Create(name, [new EnergyFigure(name, 5, EnergySource.MeasuredCounter, "test")], new Dictionary<string, double>(), []);
    }

    public void Dispose() { }
}
