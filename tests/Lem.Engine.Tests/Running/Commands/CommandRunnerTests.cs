using System.Text;
using Lem.Engine.Config;
using Lem.Engine.Measurement;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Results.Validity;
using Lem.Engine.Running;
using Lem.Engine.Running.Commands;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Estimates;
using Lem.Engine.Tests.Meters.Nvml;
using Lem.Engine.Tests.Meters.Rapl;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running.Commands;

/// <summary>
/// lem measure's runner with a scripted program (it runs for a set time on the manual clock, prints, and uses CPU time
/// that the fake /proc gives lem as its waited-for children's ticks), a fake NVML GPU at a constant 300 W and a fake
/// /proc: the records are exact.
/// </summary>
public sealed class CommandRunnerTests : IDisposable
{
    private const int ChildPid = 4242;
    private readonly ManualClock _clock = new();
    private readonly TempFolder _results = new();
    private readonly FakeProc _proc = new();
    private readonly FakePowercapTree _powercap = new();
    private readonly FakeNvml _nvml;
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();

    public CommandRunnerTests()
    {
        _proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 4);
        _proc.Stat(100, 900);
        _proc.MemTotalKb(8 * 1024 * 1024);
        _proc.Process(Environment.ProcessId, 50, 0, 100_000);
        _nvml = new FakeNvml(_clock, new FakeGpu("GPU-aaaa", "00000000:1B:00.0", "NVIDIA H200") { PowerW = 300, UpdatePeriodS = 0.005 });
    }

    private RunnerServices Services() =>
        new(TestRegistry.Instance, TextWriter.Null)
        {
            CreateMeters = options => MeterSet.Create(options with { SampleIntervalMs = 0, PowercapRoot = _powercap.Root, ProcRoot = _proc.Root },
                _nvml.Platforms(), _ => null, _clock),
            Clock = _clock,
            CollectEnvironment = _ => EnvironmentInfo.Collect(null),
            BaselineCacheFolder = Path.Combine(_results.Path, "baselines"),
            NewProgressLine = () => new ProgressLine(TextWriter.Null, false),
        };

    private CommandRun Command(string[] argv, params (string, ConfigValue)[] values) =>
        new(argv, CommandRun.DefaultName(argv), ExperimentConfig.From(V.Set([.. values, ("results.dir", V.Text(_results.Path))]), TestRegistry.Instance), _results.Path);

    /// <summary>A program that runs <paramref name="seconds"/> on the manual clock using <paramref name="cpuTicks"/> of CPU time,
    /// prints <paramref name="stdout"/> in pieces, and exits with <paramref name="exitCode"/>.</summary>
    private ScriptedLauncher Program(double seconds, string stdout = "", ulong cpuTicks = 120, int exitCode = 0) =>
        new(this, seconds, stdout, cpuTicks, exitCode);

    private static string Sh => "/bin/sh"; // a program that exists, so the locator finds it; the launcher is scripted

    private (CommandOutcome Outcome, RawRecord Record) Measure(ScriptedLauncher launcher, CommandRun run, Action<CommandRunner>? during = null)
    {
        var runner = new CommandRunner(Services(), launcher, _stdout, _stderr);
        launcher.During = () => during?.Invoke(runner);
        var outcome = runner.Run(run);
        var stored = new ResultStore(_results.Path).LoadRun(outcome.RunId);
        Assert.Equal(RunStatus.Complete, stored.Status);
        return (outcome, Assert.Single(stored.Records));
    }

    [Fact]
    public void A_command_is_measured_from_its_start_to_its_exit_with_the_tokens_it_reports()
    {
        var launcher = Program(2.0, "loading\n{\"lem\": {\"output_tokens\": 300, \"input_tokens\": 100, \"requests\": 2}}\ndone\n{\"lem\": {\"output_tokens\": 100}}\n");
        var run = Command([Sh, "load.sh", "--fast"], ("measurement.gpus", V.List(V.Text("cuda:0"))));

        var (outcome, record) = Measure(launcher, run);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["load.sh", "--fast"], launcher.Arguments); // the arguments as a list, without the program
        Assert.Equal(("load", 1), (record.Experiment, record.Cycle));
        Assert.Equal(("command", "command-start-to-exit"), (record.Window.ExecutionShape, record.Window.Edges));
        Assert.Equal(2.0, record.Window.DurationS, 6);
        Assert.Equal(300 * 2.0, record.Energy.Single(e => e.Component == "gpu:0").EnergyJ!.Value, 6);
        // the protocol's lines add up; padded prompt tokens are unknown
        Assert.Equal(new TokenCounts(2, 100, null, 400), record.Tokens);
        Assert.Equal(400 / 2.0, record.Metrics[MetricNames.OutputTokensPerS], 6);
        Assert.Equal(record.Metrics[MetricNames.EnergyTotalJ] / 400, record.Metrics[MetricNames.EnergyPerOutputTokenJ], 9);
        // what ran and how it ended
        var command = Assert.IsType<CommandRecord>(record.Command);
        Assert.Equal([Sh, "load.sh", "--fast"], command.Argv);
        Assert.Equal((ChildPid, 0, false, 2), (command.Pid, command.ExitCode, command.Interrupted, command.ReportLines));
        Assert.Equal(ValidityStatus.Pass, record.Validity!.Checks.Single(c => c.Name == "command-exit").Status);
        // its output passed through and is kept in the run folder
        Assert.Equal(launcher.Stdout, Encoding.UTF8.GetString(_stdout.ToArray()));
        Assert.Equal(launcher.Stdout, File.ReadAllText(Path.Combine(outcome.ResultFolder, "stdout.txt")));
        Assert.Equal("warming up\n", File.ReadAllText(Path.Combine(outcome.ResultFolder, "stderr.txt")));
        // host energy goes to the program's tree: its CPU time is what lem's waited-for children's ticks gained
        Assert.Equal(HostAttributionKind.Process, record.Host!.Attribution);
        Assert.StartsWith($"command sh (process tree of {ChildPid})", record.Host.ProcessSet);
        Assert.Equal(120.0 / 200, record.Host.ProcessCpuShare!.Value, 6); // 120 of the machine's 200 busy ticks
        // the record's config holds the measurement settings only
        Assert.All(record.Config.Keys, k => Assert.Contains(k, CommandRun.Parameters));
        Assert.Equal(["baseline.duration", "baseline.ttl", "carbon.pue", "measurement.gpus", "measurement.sample_interval", "measurement.time_series", "ram.w_per_gb", "results.dir"],
            record.Config.Keys.Order(StringComparer.Ordinal)); // the unset ones (no default) are absent, as in every record
        Assert.Equal("default", record.Config["baseline.duration"].From);
        Assert.Null(record.Model);
        Assert.DoesNotContain(record.Warnings, w => w.Code == "no-token-counts");
    }

    [Fact]
    public void Without_the_token_protocol_the_token_metrics_are_absent_not_zero()
    {
        var (_, record) = Measure(Program(1.0, "hello {\"lem\" is mentioned here}\n"), Command([Sh, "x.sh"], ("measurement.gpus", V.List(V.Text("cuda:0")))));

        Assert.Equal(TokenCounts.None, record.Tokens);
        foreach (var name in new[] { MetricNames.OutputTokens, MetricNames.PromptTokens, MetricNames.Requests, MetricNames.OutputTokensPerS, MetricNames.EnergyPerOutputTokenJ, MetricNames.EnergyPerTokenJ })
            Assert.False(record.Metrics.ContainsKey(name), name);
        Assert.Equal(300.0, record.Metrics[MetricNames.EnergyGpuJ], 6);
        Assert.Contains(record.Warnings, w => w.Code == "no-token-counts");
        Assert.Equal(0, record.Command!.ReportLines);
    }

    [Fact]
    public void A_failing_program_gives_lem_its_exit_status_and_fails_the_verdict()
    {
        var (outcome, record) = Measure(Program(0.5, exitCode: 3), Command([Sh, "x.sh"]));

        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal(3, record.Command!.ExitCode);
        var check = record.Validity!.Checks.Single(c => c.Name == "command-exit");
        Assert.Equal(ValidityStatus.Fail, check.Status);
        Assert.Contains("status 3", check.Detail);
        Assert.Contains(record.Warnings, w => w.Code == "command-failed");
        // no GPU named: host energy only, and the record says so
        Assert.DoesNotContain(record.Energy, e => e.Component.StartsWith("gpu", StringComparison.Ordinal));
        Assert.Contains(record.Warnings, w => w.Code == "no-gpu-metered");
    }

    [Fact]
    public void An_interrupt_is_passed_on_and_the_record_is_still_written_marked_interrupted()
    {
        var launcher = Program(5.0);
        var (outcome, record) = Measure(launcher, Command([Sh, "x.sh"]), during: runner => runner.Interrupt(CommandInterrupt.Interrupt));

        Assert.Equal([CommandInterrupt.Interrupt], launcher.Interrupts);
        Assert.True(outcome.Interrupted);
        Assert.Equal(130, outcome.ExitCode); // the scripted program exits as a shell does on SIGINT
        Assert.True(record.Command!.Interrupted);
        Assert.Equal(ValidityStatus.Fail, record.Validity!.Checks.Single(c => c.Name == "command-exit").Status);
        Assert.Contains(record.Warnings, w => w.Code == "command-interrupted");
        Assert.Equal(2.5, record.Window.DurationS, 6); // it stopped half-way
    }

    [Fact]
    public void Repeated_measurements_of_one_name_are_its_cycles()
    {
        var first = Measure(Program(0.5), Command([Sh, "bench.py"])).Record;
        var second = Measure(Program(0.5), Command([Sh, "bench.py"])).Record;
        Assert.Equal((1, 2), (first.Cycle, second.Cycle));
        Assert.Equal("bench", second.Experiment);
    }

    [Fact]
    public void An_unknown_program_is_one_line_with_the_remedy_and_nothing_is_written()
    {
        var runner = new CommandRunner(Services(), Program(1), _stdout, _stderr, path: "/nonexistent-bin");
        var error = Assert.Throws<CommandStartException>(() => runner.Run(Command(["pyhton3", "x.py"])));
        Assert.Equal(127, error.ExitCode);
        Assert.Equal("command 'pyhton3' not found in PATH (/nonexistent-bin). Remedy: check the spelling, install it, or give its path (./pyhton3 or /full/path/pyhton3).", error.Message);
        Assert.Empty(new ResultStore(_results.Path).ListRuns());
    }

    public void Dispose()
    {
        _results.Dispose();
        _proc.Dispose();
        _powercap.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
    }

    /// <summary>Starts a <see cref="ScriptedChild"/>.</summary>
    private sealed class ScriptedLauncher(CommandRunnerTests test, double seconds, string stdout, ulong cpuTicks, int exitCode) : IChildLauncher
    {
        public CommandRunnerTests Test => test;
        public double Seconds => seconds;
        public ulong CpuTicks => cpuTicks;
        public int ExitCode => exitCode;
        public string Stdout => stdout;
        public IReadOnlyList<string> Arguments { get; private set; } = [];
        public List<CommandInterrupt> Interrupts { get; } = [];

        /// <summary>Runs half-way through the program (a test sends an interrupt there).</summary>
        public Action During { get; set; } = () => { };

        public IRunningChild Start(string program, IReadOnlyList<string> arguments, string workingFolder,
            Action<ReadOnlyMemory<byte>> stdoutSink, Action<ReadOnlyMemory<byte>> stderrSink)
        {
            Arguments = arguments;
            test._proc.Process(ChildPid, 0, 0, 200_000, parent: Environment.ProcessId);
            return new ScriptedChild(this, stdoutSink, stderrSink);
        }

        private sealed class ScriptedChild(ScriptedLauncher launcher, Action<ReadOnlyMemory<byte>> stdoutSink, Action<ReadOnlyMemory<byte>> stderrSink) : IRunningChild
        {
            private bool _interrupted;

            public int Pid => ChildPid;

            public int WaitForExit()
            {
                var test = launcher.Test;
                stderrSink(Encoding.UTF8.GetBytes("warming up\n"));
                var bytes = Encoding.UTF8.GetBytes(launcher.Stdout);
                // the output arrives in pieces that split lines
                var half = bytes.Length / 2;
                stdoutSink(bytes.AsMemory(0, half));
                test._clock.Advance(launcher.Seconds / 2);
                launcher.During();
                if (!_interrupted)
                {
                    stdoutSink(bytes.AsMemory(half));
                    test._clock.Advance(launcher.Seconds / 2);
                }
                // it exits and lem waits for it: its CPU time moves to lem's children's ticks; the machine was busy 200 ticks
                test._proc.Exit(ChildPid);
                test._proc.Process(Environment.ProcessId, 50, 0, 100_000, waitedChildrenTicks: launcher.CpuTicks);
                test._proc.Stat(300, 1700);
                return _interrupted ? 130 : launcher.ExitCode;
            }

            public void Interrupt(CommandInterrupt interrupt)
            {
                launcher.Interrupts.Add(interrupt);
                _interrupted = true;
            }

            public void Dispose()
            {
            }
        }
    }
}
