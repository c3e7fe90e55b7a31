namespace Lem.Engine.Inference;

/// <summary>What a backend module can do; the checker and the runner ask these, never the backend's name.</summary>
/// <param name="Shape">How the engine drives it.</param>
/// <param name="Precisions">Values of <c>precision</c> it runs (fp32, fp16, bf16).</param>
/// <param name="Quantizations">Values of the core <c>quantization</c> parameter it runs (<c>none</c> at least).</param>
/// <param name="ParallelModes">Values of <c>parallel.mode</c> it runs (<c>none</c> at least).</param>
/// <param name="ModelSources">What its <c>model</c> may name.</param>
/// <param name="TracesFlops">Whether it counts the FLOPs it executes (traced FLOPs); otherwise FLOPs are analytical.</param>
/// <param name="ReportsDeviceMemory">Whether it reports peak device memory.</param>
/// <param name="HasTokenizer">Whether its loaded model always has a tokenizer lem can use (token-id prompts, exact lengths).</param>
/// <param name="QuantizationDescriptions">What each of its <see cref="Quantizations"/> values means in this backend (scheme,
/// granularity, scales, what stays unquantized): the help of <c>quantization</c> is composed from them, so that one value
/// name (int4) is never presented as one scheme across backends.</param>
public sealed record BackendCapabilities(
    ExecutionShape Shape,
    IReadOnlyList<string> Precisions,
    IReadOnlyList<string> Quantizations,
    IReadOnlyList<string> ParallelModes,
    IReadOnlyList<ModelSourceKind> ModelSources,
    bool TracesFlops,
    bool ReportsDeviceMemory,
    bool HasTokenizer,
    IReadOnlyDictionary<string, string>? QuantizationDescriptions = null)
{
    /// <summary>
    /// Whether it takes prompts as token ids though it has no tokenizer of its own (a server whose completions API takes
    /// ids but which has no tokenize endpoint). Synthetic prompts then go to it as ids of exact lengths, made with the
    /// tokenizer files of the model lem resolved (a synthetic model, a local folder); where its model can have none,
    /// its own rules say so.
    /// </summary>
    public bool TakesTokenIdPrompts { get; init; }
}
