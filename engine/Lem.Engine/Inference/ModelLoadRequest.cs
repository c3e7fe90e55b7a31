namespace Lem.Engine.Inference;

/// <summary>What to load: a Hugging Face layout folder, a precision (fp32|fp16|bf16) and a device (<c>cpu</c>, <c>cuda:0</c>).</summary>
/// <param name="BackendOptions">Backend-specific resolved parameters (for example <c>torchsharp.cuda_graphs</c>), by dotted name.</param>
public sealed record ModelLoadRequest(string ModelFolder, string Precision, string Device, IReadOnlyDictionary<string, object>? BackendOptions = null);
