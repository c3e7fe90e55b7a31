using Lem.Backends.LlamaCpp;
using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Gguf;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;

var root = Directory.CreateTempSubdirectory("lem-bench-").FullName;
var module = new LlamaCppModule(new GgufModelCache(Path.Combine(root, "gguf")));
var path = module.ResolveModel(ModelSpec.Synthetic("tiny", 7), root);
var folder = Path.Combine(root, "hf");
SyntheticModelWriter.Write(SyntheticPresets.Resolve("tiny"), 7, folder);
using var reference = new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f)).Load(new ModelLoadRequest(folder, "fp32", "cpu"));
int[] prompt = [464];
var expected = reference.PrefillLogitsOf(prompt);
foreach (var fa in new[] { "off", "on" })
{
    using var model = module.Load(new ModelLoadRequest(path, "fp32", "cpu", new Dictionary<string, object> { [LlamaCppParameters.CacheType] = "f32", [LlamaCppParameters.FlashAttention] = fa }));
    var logits = model.PrefillLogits(prompt);
    double worst = 0, scale = 0;
    for (int i = 0; i < logits.Length; i++) { worst = Math.Max(worst, Math.Abs(logits[i] - expected[i])); scale = Math.Max(scale, Math.Abs(expected[i])); }
    Console.WriteLine($"fa {fa}: max abs {worst:E3} scale {scale:E3} rel {worst / scale:E3}; first {expected[0]} vs {logits[0]}");
}
