namespace Lem.Engine.Results.Schema;

/// <summary>Keys of <see cref="RunFigures.Latency"/>; definitions in docs/metrics.md.</summary>
public static class LatencyNames
{
    /// <summary>Time to first token: first token on the host − request arrival.</summary>
    public const string Ttft = "ttft";
    /// <summary>Inter-token latency: gaps between successive token arrivals of one request.</summary>
    public const string Itl = "itl";
    /// <summary>Inter-token latency without each request's first and last gap.</summary>
    public const string ItlTrimmed = "itl_trimmed";
    /// <summary>Queue time: batch start − request arrival.</summary>
    public const string QueueTime = "queue_time";
    /// <summary>Time per output token: (E2E − TTFT) / (output tokens − 1).</summary>
    public const string Tpot = "tpot";
    /// <summary>End-to-end latency: last token − request arrival.</summary>
    public const string E2e = "e2e";

    public static readonly IReadOnlyList<string> All = [Ttft, Itl, ItlTrimmed, Tpot, E2e, QueueTime];
}
