namespace Lem.Backends.LlamaCpp;

/// <summary>The llamacpp.* options that shape a context.</summary>
internal sealed record LlamaCppModelOptions(int Threads, LLama.Native.LLamaFlashAttentionType FlashAttention, int BatchTokens, int? FixedCellsPerRow, LLama.Native.GGMLType CacheType);
