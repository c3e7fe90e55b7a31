using Lem.Engine.Workload;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Tests.Workload;

public class SyntheticPromptSourceTests
{
    [Theory]
    [InlineData(int.MaxValue, 1)]
    [InlineData(int.MaxValue, 257)]
    [InlineData(3, 1)]
    [InlineData(3, 100)]
    [InlineData(2, 511)]
    public void Every_prompt_has_exactly_the_requested_token_count(int pieceLength, int tokens)
    {
        var set = new SyntheticPromptSource(SyntheticPromptOptions.Fixed(12, tokens, seed: 5)).Load(new WordTokenizer(pieceLength));

        Assert.Equal(12, set.Prompts.Count);
        Assert.All(set.Prompts, p => Assert.Equal(tokens, p.TokenIds.Length));
        Assert.Equal(Enumerable.Range(0, 12), set.Prompts.Select(p => p.Index));
    }

    [Fact]
    public void Lengths_drawn_from_a_range_are_exact_stay_in_range_and_vary()
    {
        var tokenizer = new WordTokenizer(pieceLength: 3);
        var set = new SyntheticPromptSource(new SyntheticPromptOptions(200, 10, 40, Seed: 9)).Load(tokenizer);

        Assert.All(set.Prompts, p => Assert.InRange(p.TokenCount, 10, 40));
        Assert.True(set.Prompts.Select(p => p.TokenCount).Distinct().Count() > 20);
        Assert.Equal(10, set.Prompts.Min(p => p.TokenCount));
        Assert.Equal(40, set.Prompts.Max(p => p.TokenCount));
    }

    [Fact]
    public void Text_is_the_decoding_of_the_ids()
    {
        var tokenizer = new WordTokenizer(pieceLength: 4);
        var set = new SyntheticPromptSource(SyntheticPromptOptions.Fixed(3, 17)).Load(tokenizer);

        Assert.All(set.Prompts, p => Assert.Equal(tokenizer.Decode(p.TokenIds), p.Text));
    }

    [Fact]
    public void The_same_seed_gives_the_same_prompts_and_another_seed_different_ones()
    {
        var a = new SyntheticPromptSource(new SyntheticPromptOptions(5, 8, 30, 1)).Load(new WordTokenizer());
        var b = new SyntheticPromptSource(new SyntheticPromptOptions(5, 8, 30, 1)).Load(new WordTokenizer());
        var c = new SyntheticPromptSource(new SyntheticPromptOptions(5, 8, 30, 2)).Load(new WordTokenizer());

        Assert.Equal(a.Prompts.Select(p => p.Text), b.Prompts.Select(p => p.Text));
        Assert.NotEqual(a.Prompts.Select(p => p.Text), c.Prompts.Select(p => p.Text));
    }

    [Fact]
    public void Prompts_of_one_set_differ_from_each_other()
    {
        var set = new SyntheticPromptSource(SyntheticPromptOptions.Fixed(20, 16)).Load(new WordTokenizer());
        Assert.Equal(20, set.Prompts.Select(p => p.Text).Distinct().Count());
    }

    [Theory]
    [InlineData(0, 5, 5)]
    [InlineData(3, 0, 5)]
    [InlineData(3, 6, 5)]
    public void Impossible_options_are_errors(int count, int min, int max)
    {
        var e = Assert.Throws<WorkloadException>(() => new SyntheticPromptSource(new SyntheticPromptOptions(count, min, max)).Load(new WordTokenizer()));
        Assert.Equal("prompts", e.Parameter);
    }
}
