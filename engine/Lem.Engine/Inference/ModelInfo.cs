namespace Lem.Engine.Inference;

/// <summary>Facts about a loaded model that go into every result.</summary>
/// <param name="Architecture">config.json "architectures"[0], for example LlamaForCausalLM.</param>
/// <param name="ModelType">config.json "model_type", for example llama.</param>
/// <param name="ParameterCount">All parameters, embeddings included (a tied LM head counted once).</param>
/// <param name="WeightBytes">Bytes of weights resident on the device at the loaded precision.</param>
/// <param name="ConfigJson">The model's config.json text, for FLOPs estimation and provenance.</param>
public sealed record ModelInfo(
    string ModelFolder,
    string Architecture,
    string ModelType,
    long ParameterCount,
    long WeightBytes,
    string Precision,
    string Device,
    int MaxPositionEmbeddings,
    int VocabSize,
    int? EosTokenId,
    string ConfigJson)
{
    /// <summary>
    /// The element type of the KV cache where the backend keeps it in another type than <see cref="Precision"/>
    /// (llama.cpp: f16 by default, or q8_0); null: the KV cache is in <see cref="Precision"/>. MBU reads it.
    /// </summary>
    public string? KvCacheType { get; init; }
}
