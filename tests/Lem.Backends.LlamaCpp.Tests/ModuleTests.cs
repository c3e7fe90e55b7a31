using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Gguf;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>The module's surface: what model sources resolve to, its rules, its parameters, and one-line errors for bad inputs.</summary>
public sealed class ModuleTests(SyntheticModels models) : IClassFixture<SyntheticModels>
{
    private static ModelLoadRequest Request(string path, params (string Name, object Value)[] options) =>
        new(path, "fp32", "cpu", options.ToDictionary(o => o.Name, o => o.Value));

    [Fact]
    public void Model_sources_resolve_to_gguf_files()
    {
        string gguf = models.Gguf("llama");
        Assert.Equal(gguf, models.Module.ResolveModel(ModelSpec.Synthetic("tiny", SyntheticModels.Seed), "/elsewhere")); // cached
        Assert.Equal(gguf, models.Module.ResolveModel(ModelSpec.At(Path.GetRelativePath(models.Root, gguf)), models.Root));
        string converted = models.Module.ResolveModel(ModelSpec.At("hf/qwen2"), Path.GetDirectoryName(models.Folder("qwen2"))! + "/..");
        Assert.StartsWith(Path.Combine(models.Cache.Root, "converted"), converted);
        Assert.Equal("qwen2", GgufFile.Open(converted)["general.architecture"]!.AsString());
    }

    [Fact]
    public void Bad_model_sources_are_refused_with_the_thing_and_the_remedy()
    {
        var missing = Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.At("nope.gguf"), models.Root));
        Assert.Contains("nope.gguf does not exist", missing.Message);
        string text = Path.Combine(models.Root, "notes.gguf");
        File.WriteAllText(text, "not a model");
        var notGguf = Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.At("notes.gguf"), models.Root));
        Assert.Contains("is not a GGUF file", notGguf.Message);
        var gpt2 = Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.Synthetic("gpt2:tiny"), models.Root));
        Assert.Contains("cannot be written as GGUF", gpt2.Message);
        Directory.CreateDirectory(Path.Combine(models.Root, "empty"));
        var noConfig = Assert.Throws<InferenceException>(() => models.Module.ResolveModel(ModelSpec.At("empty"), models.Root));
        Assert.Contains("has no config.json", noConfig.Message);
        Assert.All(new[] { missing, notGguf, gpt2, noConfig }, e => Assert.Contains("Remedy", e.Message));
    }

    [Fact]
    public void Load_refuses_a_missing_file_a_non_gguf_file_and_an_unknown_architecture()
    {
        var missing = Assert.Throws<InferenceException>(() => models.Module.Load(Request(Path.Combine(models.Root, "gone.gguf"))));
        Assert.Contains("gone.gguf does not exist", missing.Message);

        string text = Path.Combine(models.Root, "text.gguf");
        File.WriteAllText(text, "definitely not GGUF, but long enough to hold a header");
        Assert.Contains("is not a GGUF file", Assert.Throws<InferenceException>(() => models.Module.Load(Request(text))).Message);

        // a valid GGUF of an architecture llama.cpp does not know: llama.cpp's own reason reaches the message
        var source = GgufFile.Open(models.Gguf("llama"));
        string alien = Path.Combine(models.Root, "alien.gguf");
        GgufWriter.Write(alien, source.Metadata.Select(kv => kv.Key == "general.architecture" ? new KeyValuePair<string, GgufMetadataValue>(kv.Key, GgufMetadataValue.Of("nonesuch")) : kv).ToList(), []);
        var unknown = Assert.Throws<InferenceException>(() => models.Module.Load(Request(alien)));
        Assert.Contains("llama.cpp could not load", unknown.Message);
        Assert.Contains("nonesuch", unknown.Message);
    }

    [Fact]
    public void Gpu_layers_without_a_cuda_build_are_refused_naming_native_path()
    {
        var ex = Assert.Throws<InferenceException>(() => models.Module.Load(Request(models.Gguf("llama"), (LlamaCppParameters.GpuLayers, 8L))));
        Assert.Contains("llamacpp.gpu_layers = 8 needs a CUDA-enabled llama.cpp", ex.Message);
        Assert.Contains("llamacpp.native_path", ex.Message);
        Assert.Contains("-DGGML_CUDA=ON", ex.Message);
    }

    [Fact]
    public void A_native_path_that_does_not_exist_is_refused()
    {
        var ex = Assert.Throws<InferenceException>(() => models.Module.Load(Request(models.Gguf("llama"), (LlamaCppParameters.NativePath, "/no/such/llama"))));
        Assert.Contains("llamacpp.native_path /no/such/llama", ex.Message);
    }

    [Fact]
    public void Load_reports_the_architecture_the_bytes_and_the_facts()
    {
        using var model = models.Module.Load(Request(models.Gguf("qwen3"), (LlamaCppParameters.Threads, 1L)));
        var p = SyntheticModels.Tiny("qwen3");
        Assert.Equal("Qwen3ForCausalLM", model.Info.Architecture);
        Assert.Equal("qwen3", model.Info.ModelType);
        Assert.Equal(Lem.Models.Synthetic.SyntheticModelWriter.ParameterCount(p), model.Info.ParameterCount);
        Assert.Equal(GgufFile.Open(models.Gguf("qwen3")).TensorBytes, model.Info.WeightBytes);
        Assert.Equal(p.VocabSize, model.Info.VocabSize);
        Assert.Equal(p.EosTokenIds[0], model.Info.EosTokenId);
        Assert.Equal("cpu", model.Info.Device);
        Assert.Contains("\"num_key_value_heads\": 2", model.Info.ConfigJson);
        Assert.Equal("source", model.Facts["llamacpp_quantization"]);
        Assert.Equal("ALL_F32", model.Facts["llamacpp_file_type"]);
        Assert.Equal(1, model.Facts["llamacpp_threads"]);
        Assert.Contains("CPU", (string)model.Facts["llamacpp_system_info"]);
        Assert.Equal(LlamaCppNative.PackagedName, model.Facts["llamacpp_native_library"]);
        // only the contexts created count since load; threads, sizes and bits per weight are constants
        Assert.Equal(["llamacpp_context_creations"], model.CounterFacts);
    }

    [Fact]
    public void The_kv_cache_type_is_the_backend_s_not_the_weights_precision()
    {
        using (var model = models.Module.Load(Request(models.Gguf("llama"), (LlamaCppParameters.Threads, 1L))))
        {
            Assert.Equal("fp32", model.Info.Precision);
            Assert.Equal("f16", model.Info.KvCacheType); // llama.cpp's default cache type
        }
        using var q8 = models.Module.Load(Request(models.Gguf("llama"), (LlamaCppParameters.Threads, 1L), (LlamaCppParameters.CacheType, "q8_0")));
        Assert.Equal("q8_0", q8.Info.KvCacheType);
    }

    [Fact]
    public void Rules_catch_gpu_layers_on_the_cpu_and_contradicting_quantizations()
    {
        Findings Check(params (string Name, ConfigValue Value)[] set)
        {
            var values = set.ToDictionary(s => s.Name, s => new ResolvedValue(s.Value, Provenance.DefaultValue));
            var findings = new Findings();
            models.Module.CheckRules(new EffectiveValues(values, values, new HashSet<string>()), findings);
            return findings;
        }
        var onCpu = Check(("device", new ConfigValue.Text("cpu")), (LlamaCppParameters.GpuLayers, new ConfigValue.Integer(4)));
        Assert.Contains("device is \"cpu\"", Assert.Single(onCpu.All).Message);
        var noBuild = Check(("device", new ConfigValue.Text("cuda:0")), (LlamaCppParameters.GpuLayers, new ConfigValue.Integer(-1)));
        Assert.Contains("llamacpp.native_path", Assert.Single(noBuild.All).Message);
        var idleGpu = Check(("device", new ConfigValue.Text("cuda:0")), (LlamaCppParameters.GpuLayers, new ConfigValue.Integer(0)));
        Assert.Equal(Severity.Warning, Assert.Single(idleGpu.All).Severity);
        var contradiction = Check((LlamaCppParameters.Quantization, new ConfigValue.Word("q8_0")), ("quantization", new ConfigValue.Word("q4_0")));
        Assert.Contains("contradicts", Assert.Single(contradiction.All).Message);
        Assert.Empty(Check(("device", new ConfigValue.Text("cpu")), (LlamaCppParameters.GpuLayers, new ConfigValue.Integer(0))).All);
    }

    [Fact]
    public void Parameters_are_the_modules_own_with_help_units_and_ranges()
    {
        Assert.All(models.Module.Parameters, p =>
        {
            Assert.StartsWith("llamacpp.", p.Name);
            Assert.Null(p.Backends);
            Assert.False(string.IsNullOrWhiteSpace(p.Help));
        });
        var quantization = models.Module.Parameters.Single(p => p.Name == LlamaCppParameters.Quantization);
        Assert.Equal(["source", "f16", "bf16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q4_0"], quantization.AllowedValues);
        Assert.Equal("threads", models.Module.Parameters.Single(p => p.Name == LlamaCppParameters.Threads).Unit);
        Assert.Equal(ExecutionShape.Batch, models.Module.Capabilities.Shape);
        Assert.Contains(ModelSourceKind.GgufFile, models.Module.Capabilities.ModelSources);
    }
}
