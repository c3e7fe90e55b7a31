namespace Lem.Engine.Inference;

/// <summary>What to load: a Hugging Face layout folder, a precision (fp32|fp16|bf16) and a device (<c>cpu</c>, <c>cuda:0</c>).</summary>
/// <param name="BackendOptions">Backend-specific resolved parameters (for example <c>torchsharp.cuda_graphs</c>), by dotted name.</param>
public sealed record ModelLoadRequest(string ModelFolder, string Precision, string Device, IReadOnlyDictionary<string, object>? BackendOptions = null)
{
    /// <summary>
    /// parallel.mode = pipeline: the devices over which the model's layers are split, in order (embeddings on the
    /// first, the LM head on the last), in one process. <see cref="Device"/> then names the first of them. Null: the
    /// whole model on <see cref="Device"/>.
    /// </summary>
    public IReadOnlyList<string>? PipelineDevices { get; init; }
}
