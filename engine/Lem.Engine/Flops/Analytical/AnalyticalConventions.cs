namespace Lem.Engine.Flops.Analytical;

/// <summary>The two choices the analytical count depends on. <see cref="Default"/> matches what in-process backends that trace FLOPs count (the traced-vs-analytical tests pin it).</summary>
public sealed record AnalyticalConventions(
    AttentionCounting Attention = AttentionCounting.Executed,
    LogitsPositions PrefillLogits = LogitsPositions.LastPosition)
{
    public static readonly AnalyticalConventions Default = new();
    public static readonly AnalyticalConventions Causal = new(AttentionCounting.Causal);

    public string Describe() =>
        (Attention == AttentionCounting.Executed ? "attention over the full executed query x key rectangle" : "attention over the causal triangle only")
        + "; " + (PrefillLogits == LogitsPositions.LastPosition ? "prefill logits for the last prompt position only" : "prefill logits for every prompt position");
}
