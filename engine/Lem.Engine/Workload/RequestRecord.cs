namespace Lem.Engine.Workload;

/// <summary>
/// One request (one prompt) of a measured run. Times are seconds from the start of the measurement window,
/// from <see cref="System.Diagnostics.Stopwatch"/> ticks taken on the host.
/// </summary>
/// <param name="RequestIndex">The prompt's index in the prompt set.</param>
/// <param name="BatchIndex">Batch shape: the batch that served it, <paramref name="Row"/> its row there; null in the request
/// shape (the backend batched it with whatever else it was serving).</param>
/// <param name="PromptTokens">Real (unpadded) prompt tokens.</param>
/// <param name="OutputTokens">Generated tokens, counted by the backend (the ids it returned, or a server's usage report; padding never counts).</param>
/// <param name="ArrivalS">When the request arrived (0 for every request without traffic).</param>
/// <param name="StartS">When it started: its batch's start (batch shape), or when it was sent (request shape).</param>
/// <param name="FirstTokenS">When its first token was on the host; null when it produced none.</param>
/// <param name="EndS">When its last token was on the host (the batch end when the backend gave no per-token times).</param>
/// <param name="TokenTimesS">Host arrival time of each of its tokens, in order; empty when the backend gave no per-token times.</param>
/// <param name="Error">Null when it succeeded; else what failed (it then counts towards neither tokens nor goodput).</param>
/// <param name="TokenTimesSpread">True where streamed chunks carried several tokens (or no count) and the token times
/// were spread evenly between chunk arrivals (docs/metrics.md).</param>
/// <param name="Facts">Figures the backend reported for this request itself (a server's own timings), by snake_case name.</param>
/// <param name="FirstChunkTokens">Tokens that reached the host together with the first one (a streamed first chunk of several
/// tokens; 1 otherwise): the gaps among them are no inter-token latency (docs/metrics.md, "ITL of multi-token chunks").</param>
/// <param name="OutputTokensUnknown">True where the backend gave no count of its output tokens (a server that sent no
/// usage): <paramref name="OutputTokens"/> is then 0 and the request counts in no token figure, only as a request.</param>
public sealed record RequestRecord(
    int RequestIndex,
    int? BatchIndex,
    int? Row,
    int PromptTokens,
    int OutputTokens,
    double ArrivalS,
    double StartS,
    double? FirstTokenS,
    double EndS,
    double[] TokenTimesS,
    string? Error = null,
    bool TokenTimesSpread = false,
    IReadOnlyDictionary<string, double>? Facts = null,
    bool OutputTokensUnknown = false,
    int FirstChunkTokens = 1)
{
    public bool Succeeded => Error is null;
}
