namespace Lem.Backends.TorchSharp.Models;

/// <summary>Along which side a tensor-parallel rank holds its share of a projection.</summary>
public enum ShardAxis
{
    /// <summary>Column-parallel: a share of the outputs (q/k/v, gate/up, c_fc, the LM head's vocabulary rows); no communication after it.</summary>
    Output,

    /// <summary>Row-parallel: a share of the inputs (o_proj, down_proj, c_proj); its products are partial sums, summed across ranks after it, and its bias is added once (by rank 0).</summary>
    Input,
}
