// llama.cpp vs TorchSharp decode throughput on the same synthetic weights, in one process, on the CPU.
// Arguments: PRESET NEW_TOKENS BATCHES TYPES, for example: qwen3:qwen3-0.6b 32 1,8 f32,q8_0,q4_k_m
// TorchSharp runs the safetensors folder in fp32; llama.cpp runs the same weights converted to GGUF f32 and
// quantized by llama.cpp to each other type. Prompts are 32 seeded token ids; every row generates NEW_TOKENS.
using System.Diagnostics;
using Lem.Backends.LlamaCpp;
using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine;
using Lem.Engine.Inference;
using Lem.Models.Gguf;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;

string presetName = args.Length > 0 ? args[0] : "qwen3:qwen3-0.6b";
int newTokens = args.Length > 1 ? int.Parse(args[1]) : 32;
int[] batches = (args.Length > 2 ? args[2] : "1,8").Split(',').Select(int.Parse).ToArray();
string[] types = (args.Length > 3 ? args[3] : "f32,q8_0,q4_k_m").Split(',');
const int PromptTokens = 32;

var preset = SyntheticPresets.Resolve(presetName);
var cache = new GgufModelCache(Path.Combine(LemPaths.CacheRoot(), "gguf"));
string folder = SyntheticModelCache.Default().Resolve(presetName, 0);
string f32 = cache.Converted(folder, GgufOutType.F32);
var module = new LlamaCppModule(cache);
var settings = new GenerationSettings(newTokens, newTokens);
var random = new Random(1);
int[][] Prompts(int rows) => Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, PromptTokens).Select(_ => random.Next(0, TokenizerLoader.Gpt2EndOfText)).ToArray()).ToArray();

Console.WriteLine($"preset {preset.Spec} ({SyntheticModelWriter.ParameterCount(preset) / 1e6:F0} M parameters), prompts {PromptTokens} tokens, {newTokens} new tokens per row, {Environment.ProcessorCount} logical CPUs");
Console.WriteLine("| engine | weights | batch | prefill s | decode s | tok/s (all) | decode tok/s |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");

void Measure(string engine, string weights, IBatchModel model)
{
    model.Generate(Prompts(1), new GenerationSettings(4, 4)); // warm-up
    foreach (int rows in batches)
    {
        var prompts = Prompts(rows);
        model.Generate(prompts, new GenerationSettings(4, 4)); // this batch shape once
        var watch = Stopwatch.StartNew();
        var result = model.Generate(prompts, settings);
        double total = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"| {engine} | {weights} | {rows} | {result.PrefillSeconds:F3} | {result.DecodeSeconds:F3} | {result.OutputTokens / total:F1} | {rows * (newTokens - 1) / result.DecodeSeconds:F1} |");
    }
}

using (var torch = new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f)).Load(new ModelLoadRequest(folder, "fp32", "cpu")))
    Measure("TorchSharp", "fp32", torch);
foreach (string type in types)
{
    var options = new Dictionary<string, object> { [LlamaCppParameters.Quantization] = type == "f32" ? "source" : type };
    using var model = module.Load(new ModelLoadRequest(f32, "fp32", "cpu", options));
    Measure("llama.cpp", $"{type} ({(double)model.Facts["llamacpp_bits_per_weight"]:F2} bits)", model);
}
Console.WriteLine($"llama.cpp: {LlamaCppNative.SystemInfo}; threads {Environment.ProcessorCount}, flash_attn auto, cache f16 (the defaults)");
