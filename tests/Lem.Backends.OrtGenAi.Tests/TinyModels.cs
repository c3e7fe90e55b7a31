using Lem.Backends.OrtGenAi.Backend;
using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Inference;
using Lem.Models.Onnx;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>The test classes that share one <see cref="TinyModels"/> (written once per run, not once per class).</summary>
[CollectionDefinition(TinyModels.Collection)]
public sealed class TinyModelsCollection : ICollectionFixture<TinyModels>;

/// <summary>
/// The tiny synthetic models of every family the writer builds, as Hugging Face folders (the reference weights) and as
/// ONNX GenAI folders in fp32 and int4, written once per test run into a temporary cache and shared by the tests.
/// </summary>
public sealed class TinyModels : IDisposable
{
    public const string Collection = "tiny models";
    public static readonly string[] Presets = ["llama:tiny", "mistral:tiny", "qwen2:tiny", "qwen3:tiny"];
    public const long Seed = 7;

    private readonly Dictionary<string, TorchSharpModel> _reference = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), OrtGenAiModel> _ort = [];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"lem-ortgenai-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
    public SyntheticModelCache Synthetic { get; }
    public OrtGenAiModelCache Cache { get; }
    public OrtGenAiModule Module { get; }

    public TinyModels()
    {
        Synthetic = new SyntheticModelCache(Path.Combine(Root, "models"));
        Cache = new OrtGenAiModelCache(Path.Combine(Root, "ortgenai"));
        Module = new OrtGenAiModule(Cache, Synthetic);
    }

    public string HfFolder(string preset) => Synthetic.Resolve(preset, Seed);

    public string OrtFolder(string preset, string quantization) => Cache.Resolve(HfFolder(preset), OnnxWeightFormat.Parse(quantization));

    public TorchSharpModel Reference(string preset)
    {
        lock (_reference)
        {
            if (!_reference.TryGetValue(preset, out var model))
            {
                var backend = new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f));
                _reference[preset] = model = backend.Load(new ModelLoadRequest(HfFolder(preset), "fp32", "cpu"));
            }
            return model;
        }
    }

    public OrtGenAiModel Ort(string preset, string quantization = "fp32")
    {
        lock (_ort)
        {
            if (!_ort.TryGetValue((preset, quantization), out var model))
                _ort[(preset, quantization)] = model = Module.Load(Request(HfFolder(preset), quantization));
            return model;
        }
    }

    public static ModelLoadRequest Request(string folder, string quantization = "fp32", IReadOnlyDictionary<string, object>? extra = null)
    {
        var options = new Dictionary<string, object> { [OrtGenAiParameters.Quantization] = quantization };
        if (extra is not null)
            foreach (var (k, v) in extra) options[k] = v;
        return new ModelLoadRequest(folder, "fp32", "cpu", options);
    }

    /// <summary>Prompts of different lengths from the GPT-2 tokenizer (the same ids for every family).</summary>
    public static int[][] Prompts(ITextTokenizer tokenizer) =>
    [
        tokenizer.Encode("The quick brown fox jumps over the lazy dog."),
        tokenizer.Encode("Energy"),
        tokenizer.Encode("Measuring what inference costs, one token at a time, on every backend"),
    ];

    public void Dispose()
    {
        foreach (var m in _reference.Values) m.Dispose();
        foreach (var m in _ort.Values) m.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
