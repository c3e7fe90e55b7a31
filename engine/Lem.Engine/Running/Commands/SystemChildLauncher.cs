using System.Diagnostics;

namespace Lem.Engine.Running.Commands;

/// <summary>
/// Starts a measured command as a child process of lem: the argument list goes to the program as it is (no shell),
/// standard input is lem's, standard output and error are read in chunks on a thread each and handed on as they come.
/// </summary>
public sealed class SystemChildLauncher : IChildLauncher
{
    public IRunningChild Start(string program, IReadOnlyList<string> arguments, string workingFolder,
        Action<ReadOnlyMemory<byte>> stdout, Action<ReadOnlyMemory<byte>> stderr)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingFolder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new CommandStartException($"command '{program}' did not start. Remedy: run it by hand to see why.", CommandLocator.NotExecutableExitCode);
        return new RunningChild(process, stdout, stderr);
    }

    private sealed class RunningChild : IRunningChild
    {
        private readonly Process _process;
        private readonly Thread _stdout;
        private readonly Thread _stderr;

        public RunningChild(Process process, Action<ReadOnlyMemory<byte>> stdout, Action<ReadOnlyMemory<byte>> stderr)
        {
            _process = process;
            Pid = process.Id;
            _stdout = Pump(process.StandardOutput.BaseStream, stdout, "lem-command-stdout");
            _stderr = Pump(process.StandardError.BaseStream, stderr, "lem-command-stderr");
        }

        public int Pid { get; }

        public int WaitForExit()
        {
            _process.WaitForExit();
            _stdout.Join();
            _stderr.Join();
            return _process.ExitCode;
        }

        public void Interrupt(CommandInterrupt interrupt)
        {
            if (_process.HasExited) return;
            if (interrupt == CommandInterrupt.Interrupt)
            {
                // Ctrl-C at the terminal went to the command too (same foreground group): a second SIGINT would
                // interrupt its own clean-up
                if (!Signals.InTerminalForeground()) Signals.Send(Pid, Signals.SigInt);
            }
            else Signals.Send(Pid, Signals.SigTerm);
        }

        private static Thread Pump(Stream source, Action<ReadOnlyMemory<byte>> sink, string name)
        {
            var thread = new Thread(() =>
            {
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = source.Read(buffer, 0, buffer.Length)) > 0) sink(buffer.AsMemory(0, read));
            }) { IsBackground = true, Name = name };
            thread.Start();
            return thread;
        }

        public void Dispose() => _process.Dispose();
    }
}
