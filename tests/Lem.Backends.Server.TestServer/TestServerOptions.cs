using System.Collections.Concurrent;

namespace Lem.Backends.Server.TestServer;

/// <summary>How one test server behaves.</summary>
public sealed class TestServerOptions
{
    public required string ServedModel { get; init; }

    /// <summary>Makes the generator (loading a model takes a moment: /health answers 503 until it is done).</summary>
    public required Func<ITokenGenerator> Generator { get; init; }

    public Framing Framing { get; init; } = Framing.Vllm;

    /// <summary>Tokens per streamed chunk (vLLM's stream interval; speculative decoding also sends several).</summary>
    public int TokensPerChunk { get; set; } = 1;

    /// <summary>Faults for the next requests, one per request, before <see cref="StandingFault"/> applies.</summary>
    public ConcurrentQueue<Fault> NextFaults { get; } = new();

    /// <summary>The fault of every request from number <see cref="StandingFaultFrom"/> on (1-based).</summary>
    public Fault StandingFault { get; set; } = Fault.None;

    public int StandingFaultFrom { get; set; } = 1;

    /// <summary>/health never answers 200 (a server that hangs while loading).</summary>
    public bool NeverReady { get; init; }

    /// <summary>Whether <see cref="FaultKind.KillProcess"/> may end the process (only as a child; in a test host it resets the connection).</summary>
    public bool MayKillProcess { get; init; }

    /// <summary>The command line it was started with (reported by /version, for tests of the launcher's flags).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
