namespace Lem.Engine.Running;

/// <summary>
/// Who answers Ctrl-C (SIGINT) and SIGTERM in this process. A host that stops its work cleanly on them — `lem run`: the
/// run in progress ends at its next step, is marked interrupted, and the runner's teardown disposes the models, which
/// stops the servers a backend launched — says so here. A backend that would otherwise act on a signal itself (stop its
/// launched servers at once) then leaves it to the host, whose process-exit handlers remain the backend's last resort.
/// Without such a host (a test, a script) backends keep their own signal handling.
/// </summary>
public static class StopSignals
{
    private static volatile bool _handledByHost;

    public static bool HandledByHost
    {
        get => _handledByHost;
        set => _handledByHost = value;
    }
}
