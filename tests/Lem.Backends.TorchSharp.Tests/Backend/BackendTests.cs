using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.Backend;

public sealed class BackendTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lem-tsmodel-");

    public void Dispose() => _folder.Delete(recursive: true);

    private TorchSharpBackend Backend(TinyModel m)
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "config.json"), m.ConfigJson);
        return new TorchSharpBackend(folder =>
        {
            Assert.Equal(_folder.FullName, folder);
            return m.Source();
        }, _ => new CharTokenizer());
    }

    private ModelLoadRequest Request(string precision = "fp32", string device = "cpu") => new(_folder.FullName, precision, device);

    [Fact]
    public void Loads_reports_and_generates()
    {
        var m = TinyModel.Llama(tied: true);
        var backend = Backend(m);
        using var loaded = backend.Load(Request());
        var info = loaded.Info;
        // Tied: embeddings counted once, no lm_head in the checkpoint.
        var expected = m.Tensors.Values.Sum(t => t.numel());
        Assert.Equal(expected, info.ParameterCount);
        Assert.Equal(4 * expected, info.WeightBytes);
        Assert.Equal(("LlamaForCausalLM", "llama", "fp32", "cpu", 128, 64, 2), (info.Architecture, info.ModelType, info.Precision, info.Device, info.MaxPositionEmbeddings, info.VocabSize, info.EosTokenId));
        Assert.Equal(m.ConfigJson, info.ConfigJson);
        Assert.Null(loaded.PeakDeviceMemoryBytes);
        loaded.Synchronize();

        var prompts = new[] { loaded.Tokenizer.Encode("hello"), loaded.Tokenizer.Encode("hi") };
        var result = loaded.Generate(prompts, new GenerationSettings(MaxNewTokens: 6));
        Assert.Equal(2, result.OutputTokenIds.Count);
        Assert.All(result.OutputTokenIds, o => Assert.InRange(o.Length, 1, 6));
        Assert.Equal(7, result.PromptTokens);
        Assert.NotNull(result.TracedFlops);
    }

    [Fact]
    public void Loads_in_bf16()
    {
        var m = TinyModel.Gpt2();
        using var loaded = Backend(m).Load(Request("bf16"));
        Assert.Equal("bf16", loaded.Info.Precision);
        Assert.Equal(2 * loaded.Info.ParameterCount, loaded.Info.WeightBytes);
        Assert.Equal(5, loaded.Generate([[5, 6, 7]], new GenerationSettings(5, MinNewTokens: 5)).OutputTokens);
    }

    [Theory]
    [InlineData("fp8", "cpu", "precision \"fp8\"")]
    [InlineData("fp32", "tpu", "device \"tpu\"")]
    public void Bad_precision_or_device_is_named(string precision, string device, string expected)
    {
        var e = Assert.Throws<InferenceException>(() => Backend(TinyModel.Llama()).Load(Request(precision, device)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Cuda_without_a_gpu_says_so()
    {
        if (global::TorchSharp.torch.cuda.is_available()) return;
        var e = Assert.Throws<InferenceException>(() => Backend(TinyModel.Llama()).Load(Request(device: "cuda:0")));
        Assert.Contains("CUDA is not available", e.Message);
    }

    [Fact]
    public void Static_decode_option_is_read()
    {
        var m = TinyModel.Llama();
        var options = new Dictionary<string, object> { [TorchSharpBackend.StaticDecodeOption] = true };
        using var loaded = (TorchSharpModel)Backend(m).Load(Request() with { BackendOptions = options });
        Assert.True(loaded.StaticDecodeShapes);
        Assert.Equal(4, loaded.Generate([[5, 6]], new GenerationSettings(4, MinNewTokens: 4)).OutputTokens);
        options[TorchSharpBackend.StaticDecodeOption] = "sometimes";
        var e = Assert.Throws<InferenceException>(() => Backend(m).Load(Request() with { BackendOptions = options }));
        Assert.Contains("torchsharp.static_decode is sometimes", e.Message);
    }

    [Fact]
    public void Default_options_on_the_cpu_decode_eagerly_without_a_warning()
    {
        // the registry's defaults: graphs on (meaning: where there is a CUDA device), sdpa attention
        var options = new Dictionary<string, object> { [TorchSharpBackend.CudaGraphsOption] = true, [TorchSharpBackend.AttentionOption] = "sdpa" };
        using var loaded = (TorchSharpModel)Backend(TinyModel.Llama()).Load(Request() with { BackendOptions = options });
        Assert.Empty(loaded.Warnings);
        Assert.StartsWith("off", (string)loaded.Facts["torchsharp_cuda_graphs"]);
        Assert.Equal("sdpa", loaded.Facts["torchsharp_attention"]);
        Assert.Equal(false, loaded.Facts["torchsharp_fused_rms_norm"]);
    }

    [Fact]
    public void Attention_option_is_read()
    {
        var m = TinyModel.Llama();
        var options = new Dictionary<string, object> { [TorchSharpBackend.AttentionOption] = "eager" };
        using (var loaded = (TorchSharpModel)Backend(m).Load(Request() with { BackendOptions = options }))
            Assert.Equal("eager", loaded.Facts["torchsharp_attention"]);
        options[TorchSharpBackend.AttentionOption] = "flash";
        var e = Assert.Throws<InferenceException>(() => Backend(m).Load(Request() with { BackendOptions = options }));
        Assert.Contains("torchsharp.attention is flash; it must be sdpa or eager", e.Message);
    }

    [Fact]
    public void Threads_are_pinned_per_load_and_go_back_to_libtorch_s_default_when_not_asked_for()
    {
        var m = TinyModel.Llama();
        int libtorchDefault;
        using (var plain = (TorchSharpModel)Backend(m).Load(Request()))
            libtorchDefault = (int)plain.Facts["torchsharp_cpu_threads"];
        var one = new Dictionary<string, object> { [TorchSharpBackend.ThreadsOption] = 1L };
        using (var pinned = (TorchSharpModel)Backend(m).Load(Request() with { BackendOptions = one }))
        {
            Assert.Equal(1, pinned.Facts["torchsharp_cpu_threads"]);
            Assert.Equal(1, global::TorchSharp.torch.get_num_threads());
        }
        using var again = (TorchSharpModel)Backend(m).Load(Request());
        Assert.Equal(libtorchDefault, again.Facts["torchsharp_cpu_threads"]);
        Assert.Equal(libtorchDefault, global::TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        var backend = new TorchSharpBackend(_ => throw new InvalidOperationException("not reached"), _ => new CharTokenizer());
        var e = Assert.Throws<InferenceException>(() => backend.Load(new ModelLoadRequest("/nonexistent/m", "fp32", "cpu")));
        Assert.Contains("\"/nonexistent/m\" does not exist", e.Message);
    }

    [Fact]
    public void Weight_errors_pass_through_load()
    {
        var m = TinyModel.Llama();
        m.Tensors.Remove("model.norm.weight");
        var e = Assert.Throws<InferenceException>(() => Backend(m).Load(Request()));
        Assert.Contains("\"model.norm.weight\" is missing", e.Message);
    }

    [Theory]
    [InlineData("int8", "per output channel")]
    [InlineData("int4", 128)]
    public void Quantization_from_the_backend_option_is_a_fact(string scheme, object groupSize)
    {
        var m = TinyModel.Llama(tied: true, hidden: 128, inter: 256);
        var backend = Backend(m);
        using var plain = backend.Load(Request());
        var request = new ModelLoadRequest(_folder.FullName, "fp32", "cpu", new Dictionary<string, object> { [TorchSharpBackend.QuantizationOption] = scheme });
        using var loaded = backend.Load(request);
        Assert.Equal(plain.Info.ParameterCount, loaded.Info.ParameterCount);
        Assert.True(loaded.Info.WeightBytes < plain.Info.WeightBytes / (scheme == "int8" ? 3 : 4));
        Assert.Equal(scheme, loaded.Facts["torchsharp_quantization"]);
        Assert.Equal(groupSize, loaded.Facts["torchsharp_quantization_group_size"]);
        Assert.True((long)loaded.Facts["torchsharp_quantized_weight_bytes"] < loaded.Info.WeightBytes);
        Assert.Equal("none", plain.Facts["torchsharp_quantization"]);
        // on the CPU the quantized model runs the dequantizing reference path, and says so
        Assert.Contains(((ILoadedModel)loaded).Warnings, w => w.StartsWith($"quantization = {scheme} on the CPU runs lem's reference path", StringComparison.Ordinal));
        Assert.Empty(((ILoadedModel)plain).Warnings);
        Assert.Equal(6, loaded.Generate([[5, 6, 7]], new GenerationSettings(6, MinNewTokens: 6)).OutputTokens);
        // the core parameter wins over the option
        using var core = backend.Load(new ModelLoadRequest(_folder.FullName, "fp32", "cpu") { Quantization = scheme });
        Assert.Equal(loaded.Info.WeightBytes, core.Info.WeightBytes);
    }

    [CudaFact]
    [Trait("Category", "CUDA")]
    public void Cuda_generation_matches_cpu_in_fp32()
    {
        var m = TinyModel.Llama(seed: 4);
        var prompts = new[] { ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 3) };
        var settings = new GenerationSettings(MaxNewTokens: 8);
        using var cpu = Backend(m).Load(Request());
        using var gpu = Backend(m).Load(Request(device: "cuda:0"));
        Assert.Equal("cuda:0", gpu.Info.Device);
        var expected = cpu.Generate(prompts, settings).OutputTokenIds;
        var actual = gpu.Generate(prompts, settings).OutputTokenIds;
        gpu.Synchronize();
        Assert.Equal(expected, actual);
        using var bf16 = Backend(m).Load(Request("bf16", "cuda:0"));
        var sampled = new GenerationSettings(8, Greedy: false, TopK: 10, TopP: 0.9, Seed: 3);
        Assert.Equal(bf16.Generate(prompts, sampled).OutputTokenIds, bf16.Generate(prompts, sampled).OutputTokenIds);
    }

    [CudaFact]
    [Trait("Category", "CUDA")]
    public void Graph_prefills_and_steps_give_the_eager_tokens()
    {
        var m = TinyModel.Llama(seed: 5);
        var prompts = new[] { ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 3) }; // padded: the prefill has a mask
        var settings = new GenerationSettings(MaxNewTokens: 8);
        using var eager = Backend(m).Load(Request("bf16", "cuda:0"));
        var graphsOn = new Dictionary<string, object> { [TorchSharpBackend.CudaGraphsOption] = true, [TorchSharpBackend.PrefillGraphsOption] = true };
        using var graphs = Backend(m).Load(Request("bf16", "cuda:0") with { BackendOptions = graphsOn });
        var expected = eager.Generate(prompts, settings).OutputTokenIds;
        // the first call's prefill is eager, the second captures it, the third replays it
        for (var call = 0; call < 3; call++) Assert.Equal(expected, graphs.Generate(prompts, settings).OutputTokenIds);
        Assert.Equal(2L, Convert.ToInt64(graphs.Facts["torchsharp_cuda_graph_prefill_replays"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [CudaFact]
    [Trait("Category", "CUDA")]
    public void The_dequantize_kernel_gives_the_aten_dequantize_bit_for_bit()
    {
        using var model = Backend(TinyModel.Llama(seed: 6)).Load(Request("bf16", "cuda:0")); // loads the helper and its kernels
        var fused = Assert.IsType<FusedOps>(FusedOps.Current);
        using var scope = global::TorchSharp.torch.NewDisposeScope();
        var cuda = new global::TorchSharp.torch.Device("cuda:0");
        var weight = global::TorchSharp.torch.randn(96, 384, device: cuda, generator: new global::TorchSharp.torch.Generator(7, cuda));
        foreach (var scheme in new[] { QuantizationScheme.Int8, QuantizationScheme.Int4 })
        {
            var (packed, scales) = WeightQuantizer.Quantize(weight, scheme, "w");
            // the whole weight, and rows 32..79 as a view (the parts of a fused projection are row views)
            foreach (var (rows, rowScales) in new[] { (packed, scales), (packed.narrow(0, 32, 48), scales.narrow(0, 32, 48)) })
            {
                var expected = WeightQuantizer.Dequantize(rows, rowScales, scheme, 384, global::TorchSharp.torch.ScalarType.BFloat16);
                var actual = fused.Dequantize(rows, rowScales, scheme, 384);
                Assert.Equal(global::TorchSharp.torch.ScalarType.BFloat16, actual.dtype);
                // equal values and equal signs (eq alone takes -0 for +0): the same bits, as no value is NaN
                Assert.True(actual.eq(expected).all().item<bool>() && actual.signbit().eq(expected.signbit()).all().item<bool>(),
                    $"{scheme}, {rows.shape[0]} rows: the dequantize kernel's bits differ from WeightQuantizer.Dequantize's");
            }
        }
    }
}
