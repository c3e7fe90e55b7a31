namespace Lem.Engine.Inference;

/// <summary>How one request of the request execution shape ended.</summary>
/// <param name="OutputTokens">Generated tokens as the backend counted them (a server's own usage report), or null where it gave none.</param>
/// <param name="PromptTokens">Prompt tokens as the backend counted them, or null.</param>
/// <param name="FinishReason">Why generation stopped, as the backend says it (<c>length</c>, <c>stop</c>...), or null.</param>
/// <param name="Error">Null when the request succeeded; otherwise one line saying what failed (HTTP status, broken stream, timeout).</param>
/// <param name="Facts">Per-request figures the backend reports itself (a server's own timings), by snake_case name.</param>
public sealed record RequestCompletion(
    int? OutputTokens,
    int? PromptTokens,
    string? FinishReason,
    string? Error = null,
    IReadOnlyDictionary<string, double>? Facts = null)
{
    public bool Succeeded => Error is null;
}
