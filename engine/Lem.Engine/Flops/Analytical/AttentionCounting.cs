namespace Lem.Engine.Flops.Analytical;

/// <summary>How the prefill attention products (QKᵀ and AV) are counted.</summary>
public enum AttentionCounting
{
    /// <summary>
    /// The full query × key rectangle, as a masked scaled_dot_product_attention computes it (masked scores are still
    /// multiplied). Matches a traced count of the executed kernels; the FLOPs chain uses this.
    /// </summary>
    Executed,
    /// <summary>Only the causal lower triangle, P(P+1)/2 query-key pairs per head: the work a causal kernel must do.</summary>
    Causal,
}
