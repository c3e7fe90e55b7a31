namespace Lem.Engine.Workload;

/// <summary>
/// One request (one prompt) of a measured run. Times are seconds from the start of the measurement window,
/// from <see cref="System.Diagnostics.Stopwatch"/> ticks taken on the host.
/// </summary>
/// <param name="RequestIndex">The prompt's index in the prompt set.</param>
/// <param name="BatchIndex">The batch that served it; <paramref name="Row"/> is its row there.</param>
/// <param name="PromptTokens">Real (unpadded) prompt tokens.</param>
/// <param name="OutputTokens">Generated tokens, counted from the ids the backend returned (padding never counts).</param>
/// <param name="ArrivalS">When the request arrived (0 for every request without traffic).</param>
/// <param name="StartS">When its batch started.</param>
/// <param name="FirstTokenS">When its first token was on the host; null when it produced none.</param>
/// <param name="EndS">When its last token was on the host (the batch end when the backend gave no per-token times).</param>
/// <param name="TokenTimesS">Host arrival time of each of its tokens, in order; empty when the backend gave no per-token times.</param>
public sealed record RequestRecord(
    int RequestIndex,
    int BatchIndex,
    int Row,
    int PromptTokens,
    int OutputTokens,
    double ArrivalS,
    double StartS,
    double? FirstTokenS,
    double EndS,
    double[] TokenTimesS);
