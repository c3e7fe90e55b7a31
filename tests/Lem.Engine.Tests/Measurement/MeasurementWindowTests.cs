using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Tests.Meters;

namespace Lem.Engine.Tests.Measurement;

public class MeasurementWindowTests
{
    [Fact]
    public void Device_is_synchronised_before_the_meters_at_both_edges()
    {
        var log = new List<string>();
        var clock = new ManualClock();
        var window = MeasurementWindow.Begin("run", [new RecordingMeter("a", log), new RecordingMeter("b", log)], () => log.Add("sync"), clock);
        log.Add("work");
        clock.Advance(3);
        var m = window.End();
        Assert.Equal(["sync", "a begin run", "b begin run", "work", "sync", "a end", "b end"], log);
        Assert.Equal(3.0, m.DurationS, 9);
        Assert.Equal(10.0, m.TotalEnergyJ());
        Assert.Throws<InvalidOperationException>(() => window.End());
    }

    [Fact]
    public void Every_meter_takes_its_end_readings_before_any_computes_its_result()
    {
        var log = new List<string>();
        var window = MeasurementWindow.Begin("run", [new RecordingMeter("a", log, logsCapture: true), new RecordingMeter("b", log, logsCapture: true)], null, new ManualClock());
        window.End();
        Assert.Equal(["a begin run", "b begin run", "a capture", "b capture", "a end", "b end"], log);
    }

    [Fact]
    public void A_meter_failing_at_the_end_does_not_lose_the_others()
    {
        var log = new List<string>();
        var m = MeasurementWindow.Measure("run", [new RecordingMeter("bad", log, failAtEnd: true), new RecordingMeter("good", log)], () => { }, clock: new ManualClock());
        Assert.Equal(2, m.Results.Count);
        var bad = m.Results[0];
        Assert.Equal(EnergySource.Unavailable, Assert.Single(bad.Energy).Source);
        Assert.Contains("device vanished", bad.Warnings[0]);
        Assert.Equal(5.0, m.TotalEnergyJ());
    }
}
