using System.Diagnostics;
using System.Globalization;
using Lem.Engine.Measurement;
using Lem.Engine.Meters.Nvml;

var outDir = Environment.GetEnvironmentVariable("OUT") ?? ".";
var log = Path.Combine(outDir, "meters-check.txt");
void Log(string s)
{
    Console.WriteLine(s);
    File.AppendAllText(log, s + "\n");
}

Log(EnvironmentInfo.Collect(new NvmlApi()).Render());
using (var set = MeterSet.Create(new MeterOptions(["cuda:0"], KeepTimeSeries: true)))
{
    Log(set.RenderHealth());
    foreach (var ms in new[] { 2000, 500, 50 })
    {
        var w = set.Measure($"idle-{ms}ms", () => Thread.Sleep(ms));
        Log($"window {w.Name}: {w.DurationS:F3} s");
        foreach (var r in w.Results)
        {
            foreach (var f in r.Energy) Log($"  {f}");
            foreach (var kv in r.Metrics) Log($"  {kv.Key} = {kv.Value.ToString("G6", CultureInfo.InvariantCulture)}");
            foreach (var x in r.Warnings) Log("  warning " + x);
            Log($"  time series points: {r.TimeSeries.Count}");
        }
    }
}
Log(SamplerOverheadBenchmark.Run(new NvmlApi(), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)).Render());

var python = "/opt/torch/.venv/bin/python3";
var script = "import sys,time,torch\nend=float(sys.argv[1])\na=torch.randn(8192,8192,device='cuda',dtype=torch.bfloat16)\n"
    + "while time.time()<end:\n    for _ in range(10): b=a@a\n    torch.cuda.synchronize()\n";
var bursty = "import sys,time,torch\nend=float(sys.argv[1])\na=torch.randn(8192,8192,device='cuda',dtype=torch.bfloat16)\n"
    + "while time.time()<end:\n    for _ in range(4): b=a@a\n    torch.cuda.synchronize()\n    time.sleep(0.05)\n";
void RunPython(string code, TimeSpan d)
{
    var end = (DateTimeOffset.UtcNow + d).ToUnixTimeMilliseconds() / 1000.0;
    var psi = new ProcessStartInfo(python) { RedirectStandardError = true };
    psi.ArgumentList.Add("-c");
    psi.ArgumentList.Add(code);
    psi.ArgumentList.Add(end.ToString(CultureInfo.InvariantCulture));
    using var p = Process.Start(psi)!;
    var err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) Log("python failed: " + err);
}

using var meter = NvmlMeter.Open(new NvmlApi(), new NvmlMeterOptions(["cuda:0"], TimeSpan.FromMilliseconds(100)));
var report = MeterSelfCheck.Run(meter, d => RunPython(script, d), options: new SelfCheckOptions { LoadLeadIn = TimeSpan.FromSeconds(12) });
Log(report.Render());

// Bursty load: counter vs averaged vs instant samples (instant samples are expected to miss bursts).
var burstyReport = MeterSelfCheck.Run(meter, d => RunPython(bursty, d),
    options: new SelfCheckOptions { LoadLeadIn = TimeSpan.FromSeconds(12), LoadDuration = TimeSpan.FromSeconds(20), IdleDuration = TimeSpan.FromSeconds(2) });
Log("bursty load:");
Log(burstyReport.Render());
