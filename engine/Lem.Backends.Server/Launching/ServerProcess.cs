using System.Diagnostics;
using Lem.Engine.Inference;
using Lem.Engine.Running.Commands;

namespace Lem.Backends.Server.Launching;

/// <summary>
/// A server lem started: its own process group (through setsid), stdout and stderr in its log, stopped with SIGTERM to
/// the group and SIGKILL after a grace period — on <see cref="Dispose"/>, on a failed start and when lem exits.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TimeSpan _stopGrace;
    private int _stopped;

    private ServerProcess(Process process, ServerLog log, bool ownGroup, TimeSpan stopGrace)
    {
        _process = process;
        Log = log;
        OwnGroup = ownGroup;
        _stopGrace = stopGrace;
        Pid = process.Id;
    }

    public int Pid { get; }

    public ServerLog Log { get; }

    /// <summary>Whether the server leads its own process group (setsid found): stop then reaches all its workers.</summary>
    public bool OwnGroup { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Waits up to <paramref name="timeout"/> for the server to exit; true when it has.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>Starts the plan's command. Throws <see cref="InferenceException"/> where the program cannot be started.</summary>
    public static ServerProcess Start(LaunchPlan plan, string logPath, TimeSpan stopGrace)
    {
        var setsid = ProcessGroup.FindSetsid();
        var info = new ProcessStartInfo(setsid ?? plan.Arguments[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        foreach (var argument in setsid is null ? plan.Arguments.Skip(1) : plan.Arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in plan.Environment) info.Environment[name] = value;
        foreach (var (name, value) in plan.SecretEnvironment) info.Environment[name] = value;

        var log = new ServerLog(logPath);
        log.Note($"starting: {plan.CommandLine}" + (plan.Environment.Count > 0 ? $" (environment: {plan.EnvironmentText})" : ""));
        Process process;
        try
        {
            process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => log.Append(e.Data);
            process.ErrorDataReceived += (_, e) => log.Append(e.Data);
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Note($"could not start: {e.Message}");
            log.Dispose();
            throw new InferenceException($"the server command {plan.Arguments[0]} could not be started ({e.Message}): install it, or give its full path in server.command.", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, setsid is not null, stopGrace);
        LiveServers.Add(server);
        return server;
    }

    /// <summary>
    /// Stops the server: SIGTERM to its process group, then SIGKILL to the group if it has not exited within the grace
    /// period. Safe to call more than once and from a signal handler.
    /// </summary>
    public void Stop(string why = "stopped by lem")
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        LiveServers.Remove(this);
        Log.Note($"{why}: SIGTERM to {(OwnGroup ? "process group " : "process ")}{Pid}");
        if (!_process.HasExited)
        {
            Terminate();
            if (!_process.WaitForExit(_stopGrace))
            {
                Log.Note($"still running after {_stopGrace.TotalSeconds:0.#} s: SIGKILL");
                KillAll();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        // workers that outlived the leader (or ignored SIGTERM) go with the group
        if (OwnGroup && ProcessGroup.Alive(Pid))
        {
            if (!WaitGroupGone(_stopGrace)) Signals.SendToGroup(Pid, Signals.SigKill);
        }
        _process.WaitForExit(TimeSpan.FromSeconds(5)); // drains the output readers
        Log.Note(_process.HasExited ? $"exited with code {_process.ExitCode}" : "did not exit");
    }

    /// <summary>
    /// Waits, up to <paramref name="timeout"/>, until the output of a server that has exited is read to its end, so that
    /// its last lines are in the log: <see cref="Process.HasExited"/> turns true before the output readers finish.
    /// </summary>
    public void WaitForOutputEnd(TimeSpan timeout)
    {
        // WaitForExitAsync also waits for redirected output to reach its end; a worker left holding the pipe would make
        // it wait for ever, hence the bound, which cancels the wait rather than leaving a thread blocked on it
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            _process.WaitForExitAsync(cancel.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Terminate()
    {
        if (OwnGroup) Signals.SendToGroup(Pid, Signals.SigTerm);
        else Signals.Send(Pid, Signals.SigTerm);
    }

    private void KillAll()
    {
        if (OwnGroup) Signals.SendToGroup(Pid, Signals.SigKill);
        else _process.Kill(entireProcessTree: true);
    }

    private bool WaitGroupGone(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (ProcessGroup.Alive(Pid))
        {
            if (Stopwatch.GetTimestamp() > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        Log.Dispose();
    }
}
