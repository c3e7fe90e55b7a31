using System.Globalization;
using Lem.Engine.Config;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running.Stages;

namespace Lem.Engine.Running.Commands;

/// <summary>
/// <c>lem measure</c>: runs a program the user wrote inside a measurement window, with the experiment runner's
/// collaborators (<see cref="RunnerServices"/>: meters, clock, environment, baseline cache) and stages — the idle
/// baseline (<see cref="BaselineStage"/>), the window (<see cref="MeasureStage.MeasureCommand"/>) and the raw record
/// (<see cref="RecordStage.BuildCommand"/>), written through the same result store, so the run shows in
/// <c>lem results</c> and <c>lem report</c>. Host energy is attributed to the program's process tree
/// (<see cref="ChildCommandProcesses"/>). Its output passes through and is kept in the run folder; the token
/// protocol (<see cref="TokenProtocol"/>) gives token counts where the program prints them. An interrupt
/// (<see cref="Interrupt"/>) is passed on to the program, and the record is still written, marked interrupted.
/// </summary>
/// <param name="stdout">Where the program's standard output passes through to (lem's own).</param>
/// <param name="stderr">Where its standard error passes through to.</param>
/// <param name="path">The PATH the program is looked up in; null: the process's.</param>
public sealed class CommandRunner(RunnerServices services, IChildLauncher launcher, Stream stdout, Stream stderr, string? path = null)
{
    public const string StdoutFile = "stdout.txt";
    public const string StderrFile = "stderr.txt";

    private readonly Lock _lock = new();
    private IRunningChild? _child;
    private bool _interrupted;

    /// <summary>
    /// An interrupt arrived (Ctrl-C, SIGTERM): passed on to the program while it runs; before it starts, the program is
    /// not started at all (<see cref="Run"/> then throws: nothing was measured).
    /// </summary>
    public void Interrupt(CommandInterrupt interrupt)
    {
        IRunningChild? child;
        lock (_lock)
        {
            _interrupted = true;
            child = _child;
        }
        child?.Interrupt(interrupt);
    }

    public CommandOutcome Run(CommandRun run)
    {
        var config = run.Config;
        var store = new ResultStore(Path.GetFullPath(config.ResultsDir, run.WorkingFolder));
        store.EnsureWritable();
        var program = CommandLocator.Resolve(run.Argv[0], run.WorkingFolder, path);
        var cycle = NextCycle(store, run.Name);
        var started = DateTimeOffset.UtcNow;
        var runId = store.BeginRun(run.Name, cycle);
        var folder = store.RunFolder(runId);
        services.Log.WriteLine($"{run.Name}#cycle{cycle}: run {runId}: {string.Join(" ", run.Argv)}");

        var warnings = new List<WarningRecord>();
        var gpus = (config.Measurement.Gpus ?? []).Where(d => d.IsCuda).Select(d => d.ToString()).ToArray();
        if (gpus.Length == 0)
            warnings.Add(new WarningRecord("no-gpu-metered", "no GPU was metered: the record holds host energy only",
                "give the GPUs the program uses: lem measure --gpus cuda:0[,cuda:1] -- ..."));
        var processes = new ChildCommandProcesses(Path.GetFileName(program));
        using var meters = services.CreateMeters(ExperimentRunner.MeterOptionsFor(config, gpus) with { Processes = processes });
        var baseline = BaselineStage.Measure(config, meters, services, warnings);
        var hostBaselines = BaselineStage.MeasureHost(config, meters.Meters.Where(m => !ReferenceEquals(m, meters.Gpu)).ToArray(), services);

        var protocol = new TokenProtocol();
        int? exitCode = null;
        int? pid = null;
        (Measurement.WindowMeasurement Window, DateTimeOffset BeginUtc, DateTimeOffset EndUtc) measured;
        using (var stdoutCopy = File.Create(Path.Combine(folder, StdoutFile)))
        using (var stderrCopy = File.Create(Path.Combine(folder, StderrFile)))
        {
            void Stdout(ReadOnlyMemory<byte> chunk)
            {
                Pass(stdout, chunk);
                stdoutCopy.Write(chunk.Span);
                protocol.Feed(chunk.Span);
            }
            void Stderr(ReadOnlyMemory<byte> chunk)
            {
                Pass(stderr, chunk);
                stderrCopy.Write(chunk.Span);
            }
            measured = MeasureStage.MeasureCommand(meters, () =>
            {
                IRunningChild child;
                lock (_lock)
                {
                    if (_interrupted)
                        throw new RunnerException($"{run.Name}: interrupted before the command started; nothing was measured (run {runId} stays incomplete).");
                    _child = child = launcher.Start(program, run.Argv.Skip(1).ToArray(), run.WorkingFolder, Stdout, Stderr);
                }
                pid = child.Pid;
                processes.Started(child.Pid);
                meters.Process?.MembersChanged();
                try
                {
                    exitCode = child.WaitForExit();
                }
                finally
                {
                    lock (_lock) _child = null;
                    child.Dispose();
                }
            }, services);
            protocol.Complete();
        }
        bool interrupted;
        lock (_lock) interrupted = _interrupted;

        warnings.AddRange(protocol.Problems.Select(p => new WarningRecord("token-protocol", p,
            "print one JSON object per line: {\"lem\": {\"output_tokens\": N, \"input_tokens\": N, \"requests\": N}} (docs/cli.md, lem measure)")));
        if (protocol.Lines == 0)
            warnings.Add(new WarningRecord("no-token-counts", "the program printed no token counts: token metrics (J/token, tok/s) are absent",
                "print {\"lem\": {\"output_tokens\": N, \"input_tokens\": N, \"requests\": N}} on standard output (docs/cli.md, lem measure)"));
        if (interrupted)
            warnings.Add(new WarningRecord("command-interrupted", "lem was interrupted and passed it on to the program: the window ends where the program stopped, not where it would have ended"));
        else if (exitCode is not 0)
            warnings.Add(new WarningRecord("command-failed", $"the program exited with status {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}",
                $"see its output in {Path.Combine(folder, StderrFile)}"));

        var command = new CommandRecord(run.Argv, program, run.WorkingFolder, pid, exitCode, interrupted, protocol.Lines, StdoutFile, StderrFile);
        var (record, series) = RecordStage.BuildCommand(new RecordStage.CommandInputs(config, runId, run.Name, cycle, started, meters, baseline, hostBaselines,
            measured.Window, measured.BeginUtc, measured.EndUtc, command, protocol.Counts(), services.CollectEnvironment(meters.Gpu is not null), warnings));
        store.WriteRawRecord(record, series);
        store.MarkComplete(runId);
        var aggregated = store.Aggregate(runId);
        return new CommandOutcome(runId, folder, exitCode ?? 1, interrupted, RunSummary.Of($"{run.Name}#cycle{cycle}", runId, aggregated, [record]));
    }

    /// <summary>Repeated measurements of one name are its cycles: one more than the most any run folder of it holds
    /// (its records', or for an unreadable or incomplete one its id's <c>-NAME-cN</c> ending).</summary>
    private static int NextCycle(ResultStore store, string name)
    {
        var latest = 0;
        var ending = "-" + RunIds.Sanitise(name) + "-c";
        foreach (var entry in store.ListRuns())
        {
            if (entry.Record is { } r)
            {
                if (r.Experiment == name) latest = Math.Max(latest, r.Cycle);
            }
            else if (entry.RunId.LastIndexOf(ending, StringComparison.Ordinal) is var at and >= 0
                && int.TryParse(entry.RunId[(at + ending.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var cycle))
            {
                latest = Math.Max(latest, cycle);
            }
        }
        return latest + 1;
    }

    private static void Pass(Stream target, ReadOnlyMemory<byte> chunk)
    {
        try
        {
            target.Write(chunk.Span);
            target.Flush();
        }
        catch (IOException)
        {
            // lem's own output closed (a pipe to head): the program's output is still kept in the run folder
        }
    }
}
