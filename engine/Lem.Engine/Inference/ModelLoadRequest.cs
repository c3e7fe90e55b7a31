namespace Lem.Engine.Inference;

/// <summary>What to load: the model as the backend module resolved it, a precision (fp32|fp16|bf16) and a device (<c>cpu</c>, <c>cuda:0</c>).</summary>
/// <param name="Model">What <see cref="IBackendModule.ResolveModel"/> returned: a Hugging Face folder, a GGUF file, an ONNX GenAI folder or a server model id.</param>
/// <param name="BackendOptions">Backend-specific resolved parameters (its own section, <c>NAME.*</c>), by dotted name:
/// bool, long, double, string, TimeSpan or string[] values.</param>
public sealed record ModelLoadRequest(string Model, string Precision, string Device, IReadOnlyDictionary<string, object>? BackendOptions = null)
{
    /// <summary>The core <c>quantization</c> parameter's value (<c>none</c> unless the backend supports others).</summary>
    public string Quantization { get; init; } = "none";

    /// <summary>
    /// True when nobody set <c>precision</c> and <see cref="Precision"/> is the registry's default: a backend that can
    /// leave the choice to its engine (a server's own <c>auto</c>) then does, rather than forcing the default on it.
    /// </summary>
    public bool PrecisionIsDefault { get; init; }

    /// <summary>
    /// parallel.mode = pipeline: the devices over which the model's layers are split, in order (embeddings on the
    /// first, the LM head on the last), in one process. <see cref="Device"/> then names the first of them. Null: the
    /// whole model on <see cref="Device"/>.
    /// </summary>
    public IReadOnlyList<string>? PipelineDevices { get; init; }

    /// <summary>
    /// parallel.mode = tensor: the devices over which every layer is split (each holds a share of the attention heads
    /// and of the MLP, the partial results summed after each half of a layer), in one process. <see cref="Device"/>
    /// then names the first of them. Null: no tensor split.
    /// </summary>
    public IReadOnlyList<string>? TensorDevices { get; init; }

    /// <summary>A resolved backend option, or <paramref name="fallback"/> where it is absent.</summary>
    public T Option<T>(string name, T fallback) =>
        BackendOptions is not null && BackendOptions.TryGetValue(name, out var value) && value is T typed ? typed : fallback;
}
