using Lem.Backends.OrtGenAi.Backend;
using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Backends.OrtGenAi.Tests;

[Collection(TinyModels.Collection)]
public sealed class BadInputTests(TinyModels models)
{
    private InferenceException Fails(GenerationSettings settings, params int[][] prompts) =>
        Assert.Throws<InferenceException>(() => models.Ort("llama:tiny").Generate(prompts, settings));

    [Fact]
    public void Empty_prompts_and_ids_outside_the_vocabulary_are_refused()
    {
        Assert.Contains("at least one prompt", Fails(new GenerationSettings(4)).Message);
        Assert.Contains("Prompt 1 of the batch has no tokens", Fails(new GenerationSettings(4), [1, 2], []).Message);
        Assert.Contains("outside the model's vocabulary [0, 50304)", Fails(new GenerationSettings(4), [50304]).Message);
    }

    [Fact]
    public void Settings_genai_cannot_honour_are_refused_with_the_remedy()
    {
        Assert.Contains("no min-p", Fails(new GenerationSettings(4, Greedy: false, MinP: 0.1), [1, 2]).Message);
        Assert.Contains("at most 32", Fails(new GenerationSettings(4), Enumerable.Range(0, 33).Select(_ => new[] { 1, 2 }).ToArray()).Message);
        Assert.Contains("context_length (2048)", Fails(new GenerationSettings(2048), [1, 2]).Message);
        Assert.Contains("min_new_tokens is 5", Fails(new GenerationSettings(4, MinNewTokens: 5), [1]).Message);
        Assert.Contains("pad_token_id", Fails(new GenerationSettings(4), [1, 50303], [2]).Message);
    }

    [Fact]
    public void Cuda_provider_is_refused_at_load_naming_the_missing_package()
    {
        var request = TinyModels.Request(models.HfFolder("llama:tiny"), extra: new Dictionary<string, object> { [OrtGenAiParameters.Provider] = "cuda" }) with { Device = "cuda:0" };
        var e = Assert.Throws<InferenceException>(() => models.Module.Load(request));
        Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.Cuda", e.Message);
    }

    [Fact]
    public void Precision_device_quantization_and_folders_are_checked_at_load()
    {
        string hf = models.HfFolder("llama:tiny");
        Assert.Contains("use fp32", Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(hf) with { Precision = "bf16" })).Message);
        Assert.Contains("set device = \"cpu\"", Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(hf) with { Device = "cuda:0" })).Message);
        Assert.Contains("fp32 or int4", Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(hf, "int8"))).Message);
        Assert.Contains("set ortgenai.quantization = fp32", Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(models.OrtFolder("llama:tiny", "fp32"), "int4"))).Message);
        Assert.Contains("does not exist", Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.At("no/such/model"), models.Root)).Message);
        Directory.CreateDirectory(Path.Combine(models.Root, "empty"));
        Assert.Contains("neither genai_config.json", Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.At("empty"), models.Root)).Message);
        Assert.Contains("is not a preset", Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.Synthetic("no-such-preset"), models.Root)).Message);
        Assert.Contains("not key=value", Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(hf, extra: new Dictionary<string, object> { [OrtGenAiParameters.ProviderOptions] = new[] { "oops" } }))).Message);
    }

    [Fact]
    public void Gpt2_is_refused_by_the_onnx_writer_with_the_remedy()
    {
        var e = Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(models.HfFolder("gpt2:tiny"))));
        Assert.Contains("model_type \"gpt2\"", e.Message);
        Assert.Contains("torchsharp", e.Message);
    }
}
