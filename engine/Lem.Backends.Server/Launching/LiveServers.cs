using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Lem.Engine.Running;

namespace Lem.Backends.Server.Launching;

/// <summary>
/// Every server this lem process started and has not stopped yet, so that Ctrl-C (SIGINT), SIGTERM, SIGQUIT and a
/// normal process exit stop them too. A server runs in its own session and so never gets the terminal's Ctrl-C
/// itself: lem stops it. Where the host stops its work cleanly on SIGINT and SIGTERM (<see cref="StopSignals"/>: `lem
/// run`), those are left to it: the runner's teardown stops the servers, after the run in progress is marked
/// interrupted rather than failed; the process-exit handler still stops any left. (A SIGKILL of lem cannot be caught;
/// its servers then outlive it.)
/// </summary>
internal static class LiveServers
{
    private static readonly ConcurrentDictionary<ServerProcess, byte> Running = new();
    private static readonly object Gate = new();
    private static List<PosixSignalRegistration>? _registrations;

    public static void Add(ServerProcess server)
    {
        EnsureHooks();
        Running.TryAdd(server, 0);
    }

    public static void Remove(ServerProcess server) => Running.TryRemove(server, out _);

    private static void EnsureHooks()
    {
        lock (Gate)
        {
            if (_registrations is not null) return;
            _registrations = [];
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll("lem is exiting");
            if (OperatingSystem.IsWindows()) return;
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
                _registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    if (context.Signal == PosixSignal.SIGQUIT || !StopSignals.HandledByHost) StopAll($"lem got {context.Signal}");
                }));
        }
    }

    private static void StopAll(string why)
    {
        foreach (var server in Running.Keys)
        {
            try
            {
                server.Stop(why);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                // stopping the others matters more than reporting this one while lem exits
            }
        }
    }
}
