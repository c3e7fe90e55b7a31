using System.Diagnostics;
using Lem.Backends.OrtGenAi.Backend;
using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Inference;
using Lem.Models.Onnx;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;

// usage: dotnet run -c Release --project tests/Lem.Backends.OrtGenAi.Bench -- PRESET[,PRESET...] [batches=1,8] [prompt=32] [new=32] [repeats=3] [threads=0]
// Prints one markdown row per (preset, backend, batch): median end-to-end and decode throughput over the repeats,
// after one warm-up generate. Greedy, min_new_tokens = new, so every row generates the same number of tokens.
var presets = (args.Length > 0 ? args[0] : "llama:tiny").Split(',');
var batches = (args.Length > 1 ? args[1] : "1,8").Split(',').Select(int.Parse).ToArray();
int promptTokens = args.Length > 2 ? int.Parse(args[2]) : 32, newTokens = args.Length > 3 ? int.Parse(args[3]) : 32;
int repeats = args.Length > 4 ? int.Parse(args[4]) : 3;
// intra-op threads of both backends (0: each library's default, one per core)
int threads = args.Length > 5 ? int.Parse(args[5]) : 0;
if (threads > 0) TorchSharp.torch.set_num_threads(threads);
const long seed = 0;

Console.WriteLine($"prompt {promptTokens} tokens, {newTokens} new tokens (greedy, min_new_tokens = {newTokens}), median of {repeats} after 1 warm-up; {Environment.ProcessorCount} logical CPUs; threads {(threads > 0 ? threads.ToString() : "library defaults")} (torch reports {TorchSharp.torch.get_num_threads()})");
Console.WriteLine("| model | backend | weights | batch | tok/s (end to end) | decode tok/s | prefill ms | stored weight MB |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var settings = new GenerationSettings(MaxNewTokens: newTokens, MinNewTokens: newTokens);
foreach (var preset in presets)
{
    string hf = SyntheticModelCache.Default().Resolve(preset, seed);
    var module = new OrtGenAiModule();
    var loaders = new (string Backend, string Weights, Func<IBatchModel> Load)[]
    {
        ("torchsharp", "fp32", () => new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f)).Load(new ModelLoadRequest(hf, "fp32", "cpu"))),
        ("ortgenai", "fp32", () => module.Load(new ModelLoadRequest(hf, "fp32", "cpu", new Dictionary<string, object> { [OrtGenAiParameters.Quantization] = "fp32", [OrtGenAiParameters.Threads] = (long)threads }))),
        ("ortgenai", "int4", () => module.Load(new ModelLoadRequest(hf, "fp32", "cpu", new Dictionary<string, object> { [OrtGenAiParameters.Quantization] = "int4", [OrtGenAiParameters.Threads] = (long)threads }))),
    };
    foreach (var (backend, weights, load) in loaders)
    {
        using var model = load();
        foreach (int batch in batches)
        {
            var random = new Random(batch);
            var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(0, 50000)).ToArray()).ToArray();
            model.Generate(prompts, settings);
            var runs = Enumerable.Range(0, repeats).Select(_ =>
            {
                var start = Stopwatch.GetTimestamp();
                var result = model.Generate(prompts, settings);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                return (EndToEnd: result.OutputTokens / seconds, Decode: (result.OutputTokens - batch) / result.DecodeSeconds, PrefillMs: result.PrefillSeconds * 1e3);
            }).ToList();
            double Median(Func<(double EndToEnd, double Decode, double PrefillMs), double> f) => runs.Select(f).Order().ElementAt(runs.Count / 2);
            Console.WriteLine($"| {preset} | {backend} | {weights} | {batch} | {Median(r => r.EndToEnd):F1} | {Median(r => r.Decode):F1} | {Median(r => r.PrefillMs):F1} | {model.Info.WeightBytes / 1e6:F1} |");
        }
    }
}
