using System.Text.Json.Nodes;
using Lem.Backends.OrtGenAi.Backend;
using Lem.Engine.Inference;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>
/// EOS handling with a real stop: a copy of the tiny model whose genai_config.json names as EOS the token that the
/// first prompt greedily generates first, so that row stops at once unless min_new_tokens holds it.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class EndOfSequenceTests(TinyModels models)
{
    private sealed class RecordingObserver : ITokenObserver
    {
        public List<int[]> Steps { get; } = [];
        public void OnTokens(int step, ReadOnlySpan<int> tokenIds, long timestampTicks) => Steps.Add(tokenIds.ToArray());
    }

    private (OrtGenAiModel Model, int Eos, int[][] Prompts) ModelStoppingAtFirstToken()
    {
        var original = models.Ort("llama:tiny");
        var prompts = TinyModels.Prompts(original.Tokenizer);
        int eos = original.Generate([prompts[0]], new GenerationSettings(MaxNewTokens: 1)).OutputTokenIds[0][0];
        string copy = Path.Combine(models.Root, $"eos-{eos}");
        if (!Directory.Exists(copy))
        {
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(original.Folder))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            string configPath = Path.Combine(copy, GenAiFolder.ConfigFileName);
            var config = JsonNode.Parse(File.ReadAllText(configPath))!;
            config["model"]!["eos_token_id"] = eos;
            File.WriteAllText(configPath, config.ToJsonString());
        }
        return (models.Module.Load(TinyModels.Request(copy)), eos, prompts);
    }

    [Fact]
    public void A_row_that_meets_eos_stops_and_reports_minus_one_while_the_others_go_on()
    {
        var (model, eos, prompts) = ModelStoppingAtFirstToken();
        using (model)
        {
            var observer = new RecordingObserver();
            var result = model.Generate(prompts, new GenerationSettings(MaxNewTokens: 10), observer);
            Assert.Equal([eos], result.OutputTokenIds[0]);
            Assert.All(observer.Steps.Skip(1), step => Assert.Equal(-1, step[0]));
            Assert.Contains(result.OutputTokenIds.Skip(1), o => o.Length > 1);
            Assert.Equal(eos, model.Info.EosTokenId);
        }
    }

    [Fact]
    public void Min_new_tokens_holds_eos_back()
    {
        var (model, eos, prompts) = ModelStoppingAtFirstToken();
        using (model)
        {
            var held = model.Generate([prompts[0]], new GenerationSettings(MaxNewTokens: 10, MinNewTokens: 5)).OutputTokenIds[0];
            Assert.True(held.Length >= 5);
            Assert.DoesNotContain(eos, held.Take(5));
        }
    }
}
