using Lem.Engine.Config;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Tests.Workload;

public class BatcherTests
{
    private static int[][] Lengths(BatchPlan plan) => plan.Batches.Select(b => b.Prompts.Select(p => p.TokenCount).ToArray()).ToArray();

    [Fact]
    public void Static_keeps_the_order_in_chunks_of_batch_size()
    {
        var plan = Batcher.Plan(TestPrompts.WithLengths(4, 2, 3, 1, 5), new BatchingConfig(BatchingStrategy.Static, 2));

        Assert.Equal([[4, 2], [3, 1], [5]], Lengths(plan));
        Assert.Equal([0, 1, 2], plan.Batches.Select(b => b.Index));
    }

    [Fact]
    public void Padding_ratio_and_effective_batch_size_worked_example()
    {
        var prompts = TestPrompts.WithLengths(4, 2, 3, 1);
        var plain = Batcher.Plan(prompts, new BatchingConfig(BatchingStrategy.Static, 2));
        var sorted = Batcher.Plan(prompts, new BatchingConfig(BatchingStrategy.SortedStatic, 2));

        // [4,2] [3,1]: padded 8 + 6 = 14, real 10
        Assert.Equal(14, plain.PaddedTokens);
        Assert.Equal(10, plain.RealTokens);
        Assert.Equal(4.0 / 14, plain.PaddingRatio, 12);
        // [4,3] [2,1]: padded 8 + 4 = 12
        Assert.Equal([[4, 3], [2, 1]], Lengths(sorted));
        Assert.Equal(2.0 / 12, sorted.PaddingRatio, 12);
        Assert.Equal(2.0, sorted.EffectiveBatchSize);
    }

    [Fact]
    public void Sorting_is_descending_and_stable()
    {
        var prompts = TestPrompts.WithLengths(2, 5, 2, 5, 1);
        var plan = Batcher.Plan(prompts, new BatchingConfig(BatchingStrategy.SortedStatic, 10));

        Assert.Equal([1, 3, 0, 2, 4], plan.Batches.Single().Prompts.Select(p => p.Index));
    }

    [Fact]
    public void Dynamic_packs_greedily_under_the_padded_budget()
    {
        // 3 × 3 = 9 fits 10; adding the 5 would make 4 × 5 = 20
        var plan = Batcher.Plan(TestPrompts.WithLengths(3, 3, 3, 5, 2), new BatchingConfig(BatchingStrategy.Dynamic, 8, MaxTokensPerBatch: 10));

        Assert.Equal([[3, 3, 3], [5, 2]], Lengths(plan));
        Assert.Equal(2.5, plan.EffectiveBatchSize, 12);
    }

    [Fact]
    public void Dynamic_also_respects_batch_size()
    {
        var plan = Batcher.Plan(TestPrompts.WithLengths(1, 1, 1, 1, 1), new BatchingConfig(BatchingStrategy.Dynamic, 2, MaxTokensPerBatch: 1000));
        Assert.Equal([2, 2, 1], plan.Batches.Select(b => b.Rows));
    }

    [Theory]
    [InlineData(BatchingStrategy.Static, BatchingStrategy.SortedStatic)]
    [InlineData(BatchingStrategy.Dynamic, BatchingStrategy.SortedDynamic)]
    public void Sorted_strategies_cut_padding_on_mixed_lengths(BatchingStrategy plain, BatchingStrategy sorted)
    {
        var random = new Random(11);
        var prompts = TestPrompts.WithLengths(Enumerable.Range(0, 200).Select(_ => random.Next(1, 300)).ToArray());

        var plainPlan = Batcher.Plan(prompts, new BatchingConfig(plain, 8, MaxTokensPerBatch: 1200));
        var sortedPlan = Batcher.Plan(prompts, new BatchingConfig(sorted, 8, MaxTokensPerBatch: 1200));

        Assert.True(sortedPlan.PaddingRatio < plainPlan.PaddingRatio / 3, $"sorted {sortedPlan.PaddingRatio:F3} vs plain {plainPlan.PaddingRatio:F3}");
        Assert.Equal(plainPlan.RealTokens, sortedPlan.RealTokens);
    }

    [Fact]
    public void Token_budget_and_batch_size_are_never_exceeded_and_every_prompt_is_batched_once()
    {
        var random = new Random(2024);
        for (var trial = 0; trial < 300; trial++)
        {
            var budget = random.Next(1, 2000);
            var batchSize = random.Next(1, 40);
            var prompts = TestPrompts.WithLengths(Enumerable.Range(0, random.Next(1, 120)).Select(_ => random.Next(1, budget + 1)).ToArray());
            foreach (var strategy in new[] { BatchingStrategy.Dynamic, BatchingStrategy.SortedDynamic })
            {
                var plan = Batcher.Plan(prompts, new BatchingConfig(strategy, batchSize, budget));

                Assert.All(plan.Batches, b =>
                {
                    Assert.InRange(b.PaddedTokens, 1, budget);
                    Assert.InRange(b.Rows, 1, batchSize);
                });
                Assert.Equal(prompts.Select(p => p.Index).Order(), plan.Batches.SelectMany(b => b.Prompts).Select(p => p.Index).Order());
            }
        }
    }

    [Fact]
    public void A_prompt_longer_than_the_budget_is_an_error_with_the_remedy()
    {
        var e = Assert.Throws<WorkloadException>(() =>
            Batcher.Plan(TestPrompts.WithLengths(10, 600, 10), new BatchingConfig(BatchingStrategy.SortedDynamic, 4, MaxTokensPerBatch: 512)));

        Assert.Equal("batching.max_tokens_per_batch", e.Parameter);
        Assert.Contains("prompt 1 has 600 tokens", e.Message);
        Assert.Contains("at least 600", e.Message);
    }

    [Fact]
    public void Static_strategies_ignore_the_token_budget()
    {
        var plan = Batcher.Plan(TestPrompts.WithLengths(600, 600), new BatchingConfig(BatchingStrategy.Static, 2, MaxTokensPerBatch: 512));
        Assert.Equal(1200, plan.PaddedTokens);
    }

    [Fact]
    public void Batch_size_below_one_is_an_error()
    {
        var e = Assert.Throws<WorkloadException>(() => Batcher.Plan(TestPrompts.WithLengths(1), new BatchingConfig(BatchingStrategy.Static, 0)));
        Assert.Equal("batching.batch_size", e.Parameter);
    }

    [Theory]
    [InlineData("static", BatchingStrategy.Static)]
    [InlineData("sorted_dynamic", BatchingStrategy.SortedDynamic)]
    public void Strategy_names_parse(string name, BatchingStrategy expected)
    {
        Assert.Equal(expected, ConfigWords.Parse<BatchingStrategy>(name));
        Assert.Equal(name, ConfigWords.Of(expected));
    }

    [Fact]
    public void An_unknown_strategy_name_is_an_error()
    {
        var e = Assert.Throws<FormatException>(() => ConfigWords.Parse<BatchingStrategy>("sorted"));
        Assert.Contains("sorted_static", e.Message);
    }
}
