using Lem.Engine.Flops;
using Lem.Engine.Inference;

namespace Lem.Engine.Tests.Flops;

public class BatchShapeTests
{
    private static BatchGeneration Generation(long paddedPromptTokens, params int[] outputLengths) =>
        new(outputLengths.Select(n => new int[n]).ToArray(), PromptTokens: paddedPromptTokens, PaddedPromptTokens: paddedPromptTokens,
            PrefillSeconds: 0.1, DecodeSeconds: 0.2);

    [Fact]
    public void Uniform_has_one_decode_step_fewer_than_new_tokens()
    {
        var shape = BatchShape.Uniform(4, 16, 5);
        Assert.Equal(4, shape.DecodeSteps);
        Assert.Equal(64, shape.PrefillTokens);
        Assert.Equal(16, shape.DecodeTokens);
        Assert.Equal(20, shape.OutputTokens);
    }

    [Fact]
    public void From_generation_keeps_finished_rows_computing_by_default()
    {
        var shape = BatchShape.FromGeneration(Generation(3 * 7, 4, 1, 2));
        Assert.Equal(3, shape.Rows);
        Assert.Equal(7, shape.PaddedPromptLength);
        Assert.Equal([3, 3, 3], shape.DecodeRowsPerStep);
        Assert.Equal(7, shape.OutputTokens);
    }

    [Fact]
    public void From_generation_can_drop_finished_rows()
    {
        // Step t computes the rows that produced more than t tokens: lengths 4, 1, 2 → steps 1..3 compute 2, 1, 1 rows.
        var shape = BatchShape.FromGeneration(Generation(3 * 7, 4, 1, 2), finishedRowsKeepComputing: false);
        Assert.Equal([2, 1, 1], shape.DecodeRowsPerStep);
    }

    [Fact]
    public void Padded_tokens_must_split_evenly_over_rows()
    {
        var e = Assert.Throws<FlopsInputException>(() => BatchShape.FromGeneration(Generation(10, 1, 1, 1)));
        Assert.Contains("not a multiple of the batch rows (3)", e.Message);
    }

    [Fact]
    public void Step_rows_cannot_exceed_the_batch()
    {
        var e = Assert.Throws<FlopsInputException>(() => new BatchShape(2, 4, [2, 3], 5));
        Assert.Contains("decode step 2 computes 3 rows", e.Message);
    }
}
