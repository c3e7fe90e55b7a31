using Lem.Engine.Results.Store;

namespace Lem.Engine.Tests.Results;

public class RunIdTests
{
    [Fact]
    public void Ids_of_many_quick_calls_are_unique_and_sort_in_call_order()
    {
        var ids = Enumerable.Range(0, 5000).Select(_ => RunIds.New("llama_bf16", 0)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ids_from_parallel_calls_are_unique()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4000, _ => ids.Add(RunIds.New("x", 1)));
        Assert.Equal(4000, ids.Distinct().Count());
    }

    [Fact]
    public void Id_has_time_random_name_and_cycle_and_is_filesystem_safe()
    {
        var id = RunIds.New("batch_grid[batching.batch_size=4,precision=fp16]", 2, new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
        Assert.Matches(@"^20300102T030405678Z-[0-9a-f]{6}-batch_grid_batching.batch_size_4_precision_fp16-c2$", id);
        Assert.True(RunIds.IsSafe(id));
        Assert.True(RunIds.LooksLikeRunId(id));
    }

    [Theory]
    [InlineData("llama_bf16", "llama_bf16")]
    [InlineData("a/b\\c", "a_b_c")]
    [InlineData("../../etc", "etc")]
    [InlineData("  ", "run")]
    [InlineData("名前", "run")]
    public void Sanitise_keeps_safe_characters_only(string name, string expected) => Assert.Equal(expected, RunIds.Sanitise(name));

    [Fact]
    public void Sanitise_limits_the_length()
    {
        Assert.Equal(60, RunIds.Sanitise(new string('a', 200)).Length);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Unsafe_ids_are_refused(string id) => Assert.False(RunIds.IsSafe(id));
}
