using Lem.Backends.OrtGenAi.Backend;
using Lem.Backends.OrtGenAi.Generation;
using Lem.Engine.Inference;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Lem.Backends.OrtGenAi.Tests;

[Collection(TinyModels.Collection)]
public sealed class GenerationTests(TinyModels models)
{
    private sealed class RecordingObserver : ITokenObserver
    {
        public List<(int Step, int[] Tokens, long Ticks)> Calls { get; } = [];
        public void OnTokens(int step, ReadOnlySpan<int> tokenIds, long timestampTicks) => Calls.Add((step, tokenIds.ToArray(), timestampTicks));
    }

    [Fact]
    public void Observer_gets_one_call_per_step_with_a_token_per_row_and_rising_timestamps()
    {
        var model = models.Ort("llama:tiny");
        var prompts = TinyModels.Prompts(model.Tokenizer);
        var observer = new RecordingObserver();
        var result = model.Generate(prompts, new GenerationSettings(MaxNewTokens: 12), observer);

        Assert.Equal(Enumerable.Range(0, 12), observer.Calls.Select(c => c.Step));
        Assert.All(observer.Calls, c => Assert.Equal(prompts.Length, c.Tokens.Length));
        for (int r = 0; r < prompts.Length; r++)
            Assert.Equal(result.OutputTokenIds[r], observer.Calls.Select(c => c.Tokens[r]).Where(t => t >= 0));
        Assert.True(observer.Calls.Zip(observer.Calls.Skip(1)).All(p => p.First.Ticks <= p.Second.Ticks));
        Assert.Equal(prompts.Sum(p => (long)p.Length), result.PromptTokens);
        Assert.Equal(prompts.Length * (long)prompts.Max(p => p.Length), result.PaddedPromptTokens);
        Assert.Equal(12L * prompts.Length, result.OutputTokens);
    }

    [Fact]
    public void Sampling_with_a_seed_reproduces_and_another_seed_differs()
    {
        var model = models.Ort("qwen3:tiny");
        var prompts = TinyModels.Prompts(model.Tokenizer);
        GenerationSettings Sampled(long seed) => new(MaxNewTokens: 24, Greedy: false, Temperature: 1.5, TopK: 500, TopP: 0.95, RepetitionPenalty: 1.1, Seed: seed);
        var first = model.Generate(prompts, Sampled(11)).OutputTokenIds;
        var again = model.Generate(prompts, Sampled(11)).OutputTokenIds;
        var other = model.Generate(prompts, Sampled(12)).OutputTokenIds;
        var greedy = model.Generate(prompts, new GenerationSettings(MaxNewTokens: 24)).OutputTokenIds;
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(first, greedy);
    }

    [Fact]
    public void Search_options_carry_the_settings_and_min_length_counts_the_padded_prompt()
    {
        var model = new Model(models.OrtFolder("llama:tiny", "fp32"));
        try
        {
            using var p = new GeneratorParams(model);
            SearchOptions.Apply(p, new GenerationSettings(MaxNewTokens: 20, MinNewTokens: 5, Greedy: false, Temperature: 0.7, TopK: 40, TopP: 0.9, RepetitionPenalty: 1.2, Seed: 3), rows: 4, paddedPromptLength: 9);
            Assert.Equal(4, p.GetSearchNumber("batch_size"));
            Assert.Equal(29, p.GetSearchNumber("max_length"));
            Assert.Equal(14, p.GetSearchNumber("min_length"));
            Assert.Equal(40, p.GetSearchNumber("top_k"));
            Assert.Equal(0.9, p.GetSearchNumber("top_p"), 6);
            Assert.Equal(0.7, p.GetSearchNumber("temperature"), 6);
            Assert.Equal(1.2, p.GetSearchNumber("repetition_penalty"), 6);
            Assert.Equal(3, p.GetSearchNumber("random_seed"));
            Assert.True(p.GetSearchBool("do_sample"));
        }
        finally
        {
            model.Dispose();
        }
    }

    [Theory]
    [InlineData(3L, 3)]
    [InlineData(int.MaxValue, int.MaxValue)]
    [InlineData(-1L, 3)] // 2^64 - 1 mod (2^31 - 1)
    [InlineData(1L << 40, 512)] // 2^40 = 2^(31 + 9)
    public void Seeds_fold_into_genai_int_range(long seed, int expected) => Assert.Equal(expected, SearchOptions.Seed32(seed));

    [Fact]
    public void Prompts_of_one_token_generate_alone_and_in_a_batch()
    {
        var model = models.Ort("llama:tiny");
        var reference = models.Reference("llama:tiny");
        int[][] prompts = [[464], [464, 2068, 7586]];
        var settings = new GenerationSettings(MaxNewTokens: 8);
        Assert.Equal(reference.Generate(prompts, settings).OutputTokenIds, model.Generate(prompts, settings).OutputTokenIds);
        Assert.Equal(reference.Generate([prompts[0]], settings).OutputTokenIds, model.Generate([prompts[0]], settings).OutputTokenIds);
    }

    [Fact]
    public void Lem_and_genai_tokenizers_encode_alike()
    {
        const string text = "Energy per token, measured honestly: 42 J!";
        var folder = models.OrtFolder("qwen2:tiny", "fp32");
        using var model = new Model(folder);
        using var tokenizer = new Tokenizer(model);
        using var sequences = tokenizer.Encode(text);
        Assert.Equal(models.Ort("qwen2:tiny").Tokenizer.Encode(text), sequences[0].ToArray());
    }
}
