namespace Lem.Engine.Inference;

/// <summary>A model resident on its device, ready to generate. Disposing frees its memory.</summary>
public interface ILoadedModel : IDisposable
{
    ModelInfo Info { get; }
    ITextTokenizer Tokenizer { get; }

    /// <summary>
    /// Generates for one batch of prompts (token ids, unpadded; the backend pads as it needs). Every
    /// sequence stops at EOS (unless <see cref="GenerationSettings.MinNewTokens"/> holds it) or at
    /// <see cref="GenerationSettings.MaxNewTokens"/>. The observer is called on the host as tokens become available,
    /// with honest host timestamps; pass null when per-token timing is not needed.
    /// </summary>
    BatchGeneration Generate(IReadOnlyList<int[]> promptTokenIds, GenerationSettings settings, ITokenObserver? observer = null);

    /// <summary>Blocks until all work queued on the device is finished (measurement-window edges).</summary>
    void Synchronize();

    /// <summary>Peak device memory allocated since load or the last reset, bytes; null where the device cannot say.</summary>
    long? PeakDeviceMemoryBytes { get; }
    void ResetPeakDeviceMemory();

    /// <summary>
    /// Backend-specific facts that belong in every result (for example whether CUDA graphs were used and how many
    /// captures were made): text or numbers, keyed by snake_case names.
    /// </summary>
    IReadOnlyDictionary<string, object> Facts => new Dictionary<string, object>();

    /// <summary>Things about the loaded model a reader of the results must know (a requested option that is not in effect, and why).</summary>
    IReadOnlyList<string> Warnings => [];
}
