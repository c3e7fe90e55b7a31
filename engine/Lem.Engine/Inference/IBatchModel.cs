namespace Lem.Engine.Inference;

/// <summary>
/// The batch execution shape: the engine forms batches and the backend generates each one (libtorch, llama.cpp,
/// ONNX Runtime GenAI). Calls come from one thread at a time.
/// </summary>
public interface IBatchModel : ILoadedModel
{
    /// <summary>
    /// Generates for one batch of prompts (token ids, unpadded; the backend pads as it needs). Every
    /// sequence stops at EOS (unless <see cref="GenerationSettings.MinNewTokens"/> holds it) or at
    /// <see cref="GenerationSettings.MaxNewTokens"/>. The observer is called on the host as tokens become available,
    /// with honest host timestamps; pass null when per-token timing is not needed.
    /// </summary>
    BatchGeneration Generate(IReadOnlyList<int[]> promptTokenIds, GenerationSettings settings, ITokenObserver? observer = null);
}
