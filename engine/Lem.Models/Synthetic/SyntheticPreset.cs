namespace Lem.Models.Synthetic;

/// <summary>Llama 3.1/3.2 rope scaling (<c>rope_type: llama3</c>).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>
/// The shape of a synthetic model: the real model's config values (or a tiny one of the same family).
/// <paramref name="Arch"/> is the family (<c>llama</c>, <c>mistral</c>, <c>qwen2</c>, <c>qwen3</c>, <c>gpt2</c>).
/// <paramref name="DType"/> is the weight and config dtype: <c>float32</c> for tiny presets, <c>bfloat16</c> for real shapes.
/// </summary>
public sealed record SyntheticPreset(
    string Arch,
    string Name,
    int HiddenSize,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int IntermediateSize,
    int VocabSize,
    int MaxPositionEmbeddings,
    double RopeTheta,
    double NormEps,
    bool TieWordEmbeddings,
    int BosTokenId,
    int[] EosTokenIds,
    string DType,
    Llama3RopeScaling? RopeScaling = null,
    int? SlidingWindow = null,
    int? MaxWindowLayers = null)
{
    /// <summary>The spec that names this preset unambiguously (<c>qwen3:tiny</c>).</summary>
    public string Spec => $"{Arch}:{Name}";
}
