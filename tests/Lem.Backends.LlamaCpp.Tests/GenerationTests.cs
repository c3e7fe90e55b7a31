using Lem.Engine.Inference;
using Lem.Models.Gguf;
using Lem.Models.Synthetic;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>The batch contract: one observer call per step, finished rows as -1, EOS and min_new_tokens, seeded sampling.</summary>
public sealed class GenerationTests(SyntheticModels models) : IClassFixture<SyntheticModels>
{
    private LlamaCppModel Load(string path) => models.Module.Load(new ModelLoadRequest(path, "fp32", "cpu"));

    [Fact]
    public void Sampling_is_reproducible_with_the_seed_and_changes_with_it()
    {
        using var model = Load(models.Gguf("llama"));
        var prompts = TorchSharpReference.Prompts(5, 6, 3);
        GenerationSettings Sampled(long seed) => new(24, 24, Greedy: false, Temperature: 0.9, TopK: 40, TopP: 0.95, MinP: 0.01, RepetitionPenalty: 1.1, Seed: seed);
        var a = model.Generate(prompts, Sampled(11)).OutputTokenIds;
        var b = model.Generate(prompts, Sampled(11)).OutputTokenIds;
        var c = model.Generate(prompts, Sampled(12)).OutputTokenIds;
        var greedy = model.Generate(prompts, new GenerationSettings(24, 24)).OutputTokenIds;
        Assert.Equal(a, b);
        Assert.NotEqual(a[0], c[0]);
        Assert.NotEqual(a[0], greedy[0]);
    }

    [Fact]
    public void The_observer_gets_one_call_per_step_and_finished_rows_read_minus_one()
    {
        // a file whose EOS is the token row 0 generates third, so row 0 stops early and row 1 runs on
        var prompts = TorchSharpReference.Prompts(6, 5, 9);
        int eos;
        using (var plain = Load(models.Gguf("llama")))
            eos = plain.Generate(prompts, new GenerationSettings(8, 8)).OutputTokenIds[0][2];
        string path = Path.Combine(models.Root, $"eos-{eos}.gguf");
        using (var source = GgufSourceModel.FromSynthetic(SyntheticPresets.Get("llama", "tiny"), SyntheticModels.Seed))
            GgufModelWriter.Write(source.WithVocabulary(source.Vocabulary with { EosTokenId = eos }), GgufOutType.Source, path);

        using var model = Load(path);
        var observer = new RecordingObserver();
        var result = model.Generate(prompts, new GenerationSettings(8), observer);
        Assert.Equal(3, result.OutputTokenIds[0].Length);
        Assert.Equal(eos, result.OutputTokenIds[0][^1]);
        Assert.Equal(Enumerable.Range(0, observer.Calls.Count), observer.Calls.Select(c => c.Step));
        Assert.All(observer.Calls, c => Assert.Equal(2, c.Tokens.Length));
        Assert.Equal(result.OutputTokenIds[0], observer.Calls.Take(3).Select(c => c.Tokens[0]));
        Assert.All(observer.Calls.Skip(3), c => Assert.Equal(-1, c.Tokens[0]));
        Assert.Equal(result.OutputTokenIds[1], observer.Calls.Select(c => c.Tokens[1]).Where(t => t >= 0));
        Assert.True(observer.Calls.Zip(observer.Calls.Skip(1)).All(p => p.First.Ticks <= p.Second.Ticks));
        Assert.Equal(14, result.PromptTokens);
        Assert.Equal(14, result.PaddedPromptTokens);

        var held = model.Generate(prompts, new GenerationSettings(8, MinNewTokens: 6)).OutputTokenIds[0];
        Assert.True(held.Length >= 6);
        Assert.DoesNotContain(eos, held.Take(5));
    }

    [Fact]
    public void A_larger_batch_recreates_the_context_once_and_smaller_ones_reuse_it()
    {
        using var model = Load(models.Gguf("qwen3"));
        model.Generate(TorchSharpReference.Prompts(7, 4), new GenerationSettings(4));
        model.Generate(TorchSharpReference.Prompts(7, 4, 5, 6), new GenerationSettings(4));
        model.Generate(TorchSharpReference.Prompts(7, 4, 5), new GenerationSettings(4));
        model.Generate(TorchSharpReference.Prompts(7, 6), new GenerationSettings(4));
        Assert.Equal(2, model.ContextCreations);
        Assert.Equal(2, model.Facts["llamacpp_context_creations"]);
    }

    [Fact]
    public void Text_round_trips_through_the_files_gpt2_vocabulary()
    {
        using var model = Load(models.Gguf("llama"));
        var ids = model.Tokenizer.Encode("Hello world, energy per token.");
        Assert.Equal(Lem.Models.Tokenization.TokenizerLoader.Gpt2().Encode("Hello world, energy per token."), ids);
        Assert.Equal("Hello world, energy per token.", model.Tokenizer.Decode(ids));
    }
}
