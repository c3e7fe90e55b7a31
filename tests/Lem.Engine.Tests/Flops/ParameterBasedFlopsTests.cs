using Lem.Engine.Flops;
using Lem.Engine.Flops.ParameterBased;

namespace Lem.Engine.Tests.Flops;

public class ParameterBasedFlopsTests
{
    [Fact]
    public void Two_flops_per_parameter_per_token_processed()
    {
        // 2 rows × 3 prompt tokens in prefill; 2 decode steps × 2 rows.
        var flops = ParameterBasedFlops.ForBatch(1192, rows: 2, promptLength: 3, newTokens: 3);
        Assert.Equal(2.0 * 1192 * 6, flops.PrefillFlops);
        Assert.Equal(2.0 * 1192 * 4, flops.DecodeFlops);
    }

    [Fact]
    public void Sums_over_shapes_with_their_per_step_rows()
    {
        var flops = ParameterBasedFlops.ForBatches(100, [new BatchShape(2, 5, [2, 1], 5), BatchShape.Uniform(1, 4, 1)]);
        Assert.Equal(new FlopCount(2.0 * 100 * 14, 2.0 * 100 * 3), flops);
    }
}
