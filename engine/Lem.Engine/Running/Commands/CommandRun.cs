using Lem.Engine.Config;

namespace Lem.Engine.Running.Commands;

/// <summary>A command to measure.</summary>
/// <param name="Argv">The program and its arguments (at least the program).</param>
/// <param name="Name">The name its runs are recorded under (the experiment column of results); repeated runs of one name are its cycles.</param>
/// <param name="Config">The measurement settings (measurement.*, baseline.*, carbon.*, the estimates, results.dir) with provenance.</param>
/// <param name="WorkingFolder">Where the program runs, and what a relative results.dir is relative to.</param>
public sealed record CommandRun(IReadOnlyList<string> Argv, string Name, ExperimentConfig Config, string WorkingFolder)
{
    /// <summary>The parameter sections that bear on a measured command; the record's config holds only these.</summary>
    public static readonly IReadOnlyList<string> Parameters =
    [
        "measurement.sample_interval", "measurement.time_series", "measurement.gpus", "baseline.duration", "baseline.ttl",
        "carbon.intensity_g_per_kwh", "carbon.region", "carbon.pue", "cpu.tdp_w", "ram.w_per_gb", "results.dir",
    ];

    /// <summary>The default name: the program's file name, and the first argument's when that is a script (<c>python3 load.py</c> → <c>load</c>).</summary>
    public static string DefaultName(IReadOnlyList<string> argv)
    {
        var script = argv.Skip(1).FirstOrDefault(a => !a.StartsWith('-'));
        var name = script is not null && Path.HasExtension(script) && !script.Any(char.IsWhiteSpace) ? script : argv[0];
        return Lem.Engine.Results.Store.RunIds.Sanitise(Path.GetFileNameWithoutExtension(name));
    }
}
