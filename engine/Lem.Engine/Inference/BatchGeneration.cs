namespace Lem.Engine.Inference;

/// <summary>The result of one generate call.</summary>
/// <param name="OutputTokenIds">New tokens per batch row (prompt and padding excluded; EOS included when it was generated).</param>
/// <param name="PromptTokens">Real (unpadded) prompt tokens processed, summed over rows.</param>
/// <param name="PaddedPromptTokens">Prompt tokens including padding, summed over rows (batch × longest prompt).</param>
/// <param name="PrefillSeconds">Host wall time of prefill up to the first tokens on the host.</param>
/// <param name="DecodeSeconds">Host wall time from the first tokens to the last.</param>
public sealed record BatchGeneration(
    IReadOnlyList<int[]> OutputTokenIds,
    long PromptTokens,
    long PaddedPromptTokens,
    double PrefillSeconds,
    double DecodeSeconds,
    Flops.FlopCount? TracedFlops = null)
{
    public long OutputTokens => OutputTokenIds.Sum(o => (long)o.Length);
}
