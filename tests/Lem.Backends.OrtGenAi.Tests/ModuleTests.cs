using Lem.Backends.OrtGenAi.Backend;
using Lem.Engine.Config;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;
using Lem.Models.Onnx;

namespace Lem.Backends.OrtGenAi.Tests;

[Collection(TinyModels.Collection)]
public sealed class ModuleTests(TinyModels models)
{
    [Fact]
    public void Synthetic_models_resolve_to_the_seeded_hugging_face_folder_and_load_converted_and_cached()
    {
        string resolved = models.Module.ResolveModel(ModelSpec.Synthetic("qwen2:tiny", TinyModels.Seed), models.Root);
        Assert.Equal(models.HfFolder("qwen2:tiny"), resolved);
        var model = models.Ort("qwen2:tiny");
        Assert.StartsWith(models.Cache.Root, model.Folder);
        Assert.True(CacheFolder.IsComplete(model.Folder));
        Assert.Equal(model.Folder, models.OrtFolder("qwen2:tiny", "fp32")); // the second resolve finds the cached folder

        var info = model.Info;
        Assert.Equal("Qwen2ForCausalLM", info.Architecture);
        Assert.Equal(ParameterCounts.FromConfig(ArchitectureConfig.Parse(info.ConfigJson)).Total, info.ParameterCount);
        Assert.Equal(File.ReadAllText(Path.Combine(models.HfFolder("qwen2:tiny"), "config.json")), info.ConfigJson);
        Assert.Equal(2048, info.MaxPositionEmbeddings);
        Assert.Equal(50256, info.EosTokenId);
        Assert.Equal("fp32", model.Facts["ortgenai_quantization"]);
    }

    [Fact]
    public void Q_and_k_are_rotated_by_their_own_rotary_embedding_nodes_and_attention_does_not_rotate_again()
    {
        string folder = models.OrtFolder("qwen3:tiny", "fp32");
        var graph = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, DecoderOnnxWriter.ModelFileName))).Graph;
        int layers = DecoderSpec.Load(folder).Architecture.NumLayers;

        var rotary = graph.Node.Where(n => n.OpType == "RotaryEmbedding").ToList();
        Assert.Equal(2 * layers, rotary.Count);
        Assert.All(rotary, n => Assert.Equal(OnnxGraphBuilder.MicrosoftDomain, n.Domain));
        Assert.All(rotary, n => Assert.Equal(0, n.Attribute.Single(a => a.Name == "interleaved").I));
        var attention = graph.Node.Where(n => n.OpType == "GroupQueryAttention").ToList();
        Assert.Equal(layers, attention.Count);
        Assert.All(attention, n => Assert.Equal(0, n.Attribute.Single(a => a.Name == "do_rotary").I));
        Assert.All(attention, n => Assert.Equal(7, n.Input.Count)); // no cos/sin caches
        // q and k reach attention through the rotary nodes (after Qwen3's per-head norms)
        Assert.All(attention, n => Assert.Equal(2, n.Input.Take(2).Count(i => rotary.Any(r => r.Output[0] == i))));
        Assert.Contains("com.microsoft.RotaryEmbedding", OrtGenAiFolderWriter.ReadInfo(folder)!.Operators);
    }

    [Fact]
    public void Int4_weight_bytes_are_the_packed_values_scales_and_zero_points()
    {
        var int4 = models.Ort("llama:tiny", "int4");
        var fp32 = models.Ort("llama:tiny");
        var spec = DecoderSpec.Load(models.HfFolder("llama:tiny"));
        var a = spec.Architecture;
        long Int4Bytes(long n, long k) { long blocks = (k + 31) / 32; return n * blocks * 16 + n * blocks * 4 + n * ((blocks + 1) / 2); }
        long layer = Int4Bytes(a.QueryWidth, a.HiddenSize) + 2 * Int4Bytes(a.KvWidth, a.HiddenSize) + Int4Bytes(a.HiddenSize, a.QueryWidth)
                     + 2 * Int4Bytes(a.IntermediateSize, a.HiddenSize) + Int4Bytes(a.HiddenSize, a.IntermediateSize) + 2L * a.HiddenSize * 4;
        long expected = a.NumLayers * layer + 2L * a.VocabSize * a.HiddenSize * 4 + a.HiddenSize * 4L; // embedding, fp32 head, final norm
        Assert.Equal(expected, int4.Info.WeightBytes);
        Assert.Equal(fp32.Info.ParameterCount * 4, fp32.Info.WeightBytes); // untied: every parameter stored once in fp32
        Assert.Equal(32, int4.Facts["ortgenai_int4_block_size"]);
    }

    [Fact]
    public void Rules_refuse_a_gpu_device_with_the_cpu_provider_and_min_p()
    {
        var findings = new Findings();
        var resolved = new Dictionary<string, ResolvedValue>
        {
            [OrtGenAiParameters.Provider] = new(new ConfigValue.Word("cpu"), Provenance.DefaultValue),
            ["device"] = new(new ConfigValue.Text("cuda:0"), Provenance.DefaultValue),
            ["precision"] = new(new ConfigValue.Word("bf16"), Provenance.DefaultValue),
            ["decoder.min_p"] = new(new ConfigValue.Decimal(0.05), Provenance.DefaultValue),
            ["decoder.temperature"] = new(new ConfigValue.Decimal(0.8), Provenance.DefaultValue),
        };
        models.Module.CheckRules(new EffectiveValues(resolved, resolved, new HashSet<string>()), findings);
        Assert.Equal(["device", "precision", "decoder.min_p"], findings.All.Select(d => d.Parameter));
        Assert.All(findings.All, d => Assert.Equal(Severity.Error, d.Severity));
    }

    private static IReadOnlyList<Diagnostic> Check(bool cudaProvider, string provider, string device)
    {
        var module = new OrtGenAiModule(cudaProvider: cudaProvider);
        var findings = new Findings();
        var resolved = new Dictionary<string, ResolvedValue>
        {
            [OrtGenAiParameters.Provider] = new(new ConfigValue.Word(provider), new Provenance.Assignment("x.lem", 3, 1)),
            ["device"] = new(new ConfigValue.Text(device), new Provenance.Assignment("x.lem", 4, 1)),
        };
        module.CheckRules(new EffectiveValues(resolved, resolved, new HashSet<string>()), findings);
        return findings.All;
    }

    private static IReadOnlyList<Diagnostic> Preflight(bool cudaProvider, string device)
    {
        var module = new OrtGenAiModule(cudaProvider: cudaProvider);
        var registry = ParameterRegistry.Compose([module]);
        var at = new Provenance.Assignment("x.lem", 1, 1);
        var values = new Dictionary<string, ResolvedValue>
        {
            [OrtGenAiParameters.Provider] = new(new ConfigValue.Word("cuda"), at),
            ["device"] = new(new ConfigValue.Text(device), at),
            ["model"] = new(new ConfigValue.Call("synthetic", [new ConfigValue.Text("llama:tiny")], []), at),
        };
        var findings = new Findings();
        module.Preflight(ExperimentConfig.From(values, registry), "/", findings);
        return findings.All;
    }

    [Fact]
    public void The_cuda_provider_is_refused_before_any_run_where_it_is_absent_with_the_remedy()
    {
        var absent = Assert.Single(Preflight(cudaProvider: false, "cuda:0"));
        Assert.Equal((OrtGenAiParameters.Provider, Severity.Error, DiagnosticCodes.BackendUnavailable), (absent.Parameter, absent.Severity, absent.Code));
        Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.Cuda", absent.Message);
        Assert.Contains("ortgenai.provider = cpu", absent.Message);
        Assert.Empty(Preflight(cudaProvider: true, "cuda:0"));
        // with device = "cpu" too, the rules add no hint to set a GPU device where cuda cannot run anyway
        Assert.Empty(Check(cudaProvider: false, "cuda", "cpu"));
        Assert.Empty(Check(cudaProvider: true, "cuda", "cuda:0"));
        Assert.Contains("set device = \"cuda:0\"", Assert.Single(Check(cudaProvider: true, "cuda", "cpu")).Message);
    }

    [Fact]
    public void A_gpu_device_with_the_cpu_provider_names_cuda_as_a_remedy_only_where_it_can_run()
    {
        var absent = Assert.Single(Check(cudaProvider: false, "cpu", "cuda:0"));
        Assert.Contains("set device = \"cpu\"", absent.Message);
        Assert.DoesNotContain("ortgenai.provider = cuda", absent.Message);
        Assert.Contains("or ortgenai.provider = cuda", Assert.Single(Check(cudaProvider: true, "cpu", "cuda:0")).Message);
    }

    [Fact]
    public void The_cuda_provider_library_is_found_beside_lem_or_under_runtimes()
    {
        string folder = Path.Combine(models.Root, "deploy");
        Directory.CreateDirectory(Path.Combine(folder, "runtimes", "linux-x64", "native"));
        Assert.Null(OrtGenAiNative.FindCudaProvider(folder));
        string library = Path.Combine(folder, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so");
        File.WriteAllText(library, "");
        Assert.Equal(library, OrtGenAiNative.FindCudaProvider(folder));
        Assert.False(OrtGenAiNative.CudaProviderPresent); // this build carries the CPU packages
    }

    [Fact]
    public void Parameters_are_the_ortgenai_section_with_help_and_ranges()
    {
        Assert.All(models.Module.Parameters, p =>
        {
            Assert.StartsWith("ortgenai.", p.Name);
            Assert.False(string.IsNullOrWhiteSpace(p.Help));
            Assert.Null(p.Backends);
        });
        Assert.Equal(["cpu", "cuda"], models.Module.Parameters.Single(p => p.Name == OrtGenAiParameters.Provider).AllowedValues);
        Assert.Equal(["fp32", "int4"], models.Module.Parameters.Single(p => p.Name == OrtGenAiParameters.Quantization).AllowedValues);
        Assert.Equal(0, models.Module.Parameters.Single(p => p.Name == OrtGenAiParameters.Threads).Min);
    }

    [Fact]
    public void Threads_option_loads_and_generates_the_same_tokens()
    {
        using var model = models.Module.Load(TinyModels.Request(models.HfFolder("llama:tiny"), extra: new Dictionary<string, object> { [OrtGenAiParameters.Threads] = 1L }));
        var prompts = TinyModels.Prompts(model.Tokenizer);
        var settings = new GenerationSettings(MaxNewTokens: 16);
        Assert.Equal(models.Ort("llama:tiny").Generate(prompts, settings).OutputTokenIds, model.Generate(prompts, settings).OutputTokenIds);
        Assert.Equal("1", model.Facts["ortgenai_intra_op_threads"]);
    }

    [Fact]
    public void A_genai_folder_lem_did_not_write_loads_with_a_warning_and_its_file_sizes_as_weight_bytes()
    {
        string original = models.OrtFolder("llama:tiny", "fp32");
        string foreign = Path.Combine(models.Root, "foreign-llama");
        Directory.CreateDirectory(foreign);
        foreach (var file in Directory.GetFiles(original).Where(f => Path.GetFileName(f) != OrtGenAiFolderWriter.MetadataFileName))
            File.Copy(file, Path.Combine(foreign, Path.GetFileName(file)), overwrite: true);
        string resolved = models.Module.ResolveModel(ModelSpec.At("foreign-llama"), models.Root);
        using var model = models.Module.Load(TinyModels.Request(resolved));
        Assert.Equal(foreign, model.Folder);
        Assert.Contains(model.Warnings, w => w.Contains("not written by lem"));
        Assert.Equal("another writer", model.Facts["ortgenai_weights_by"]);
        Assert.Equal(new FileInfo(Path.Combine(foreign, DecoderOnnxWriter.ModelFileName)).Length + new FileInfo(Path.Combine(foreign, DecoderOnnxWriter.DataFileName)).Length, model.Info.WeightBytes);
        var prompts = TinyModels.Prompts(model.Tokenizer);
        var settings = new GenerationSettings(MaxNewTokens: 8);
        Assert.Equal(models.Ort("llama:tiny").Generate(prompts, settings).OutputTokenIds, model.Generate(prompts, settings).OutputTokenIds);
    }

    [Fact]
    public void The_core_quantization_int4_chooses_the_int4_weights_and_contradicting_it_is_an_error()
    {
        var model = models.Module.Load(TinyModels.Request(models.HfFolder("llama:tiny"), "fp32") with { Quantization = "int4" });
        using (model)
            Assert.Equal("int4", model.Facts["ortgenai_quantization"]);
        Assert.Contains("use none or int4", Assert.Throws<InferenceException>(() => models.Module.Load(TinyModels.Request(models.HfFolder("llama:tiny")) with { Quantization = "int8" })).Message);

        var findings = new Findings();
        var resolved = new Dictionary<string, ResolvedValue>
        {
            ["quantization"] = new(new ConfigValue.Word("int4"), Provenance.DefaultValue),
            [OrtGenAiParameters.Quantization] = new(new ConfigValue.Word("fp32"), Provenance.DefaultValue),
        };
        models.Module.CheckRules(new EffectiveValues(resolved, resolved, new HashSet<string>()), findings);
        Assert.Equal([OrtGenAiParameters.Quantization], findings.All.Select(d => d.Parameter));
        Assert.Contains("int4", models.Module.Capabilities.Quantizations);
    }
}
