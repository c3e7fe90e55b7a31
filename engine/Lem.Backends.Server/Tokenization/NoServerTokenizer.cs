using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tokenization;

/// <summary>
/// For servers without tokenize endpoints (TensorRT-LLM's trtllm-serve, Ollama, unknown endpoints): lem cannot turn
/// text into the model's ids, so prompts go as text (or as the ids of a synthetic prompt, where the server takes ids)
/// and every token count comes from the server's usage.
/// </summary>
public sealed class NoServerTokenizer(string backend, int? vocabSize) : ITextTokenizer
{
    public int[] Encode(string text) => throw Unavailable("tokenize text");

    public string Decode(IReadOnlyList<int> tokenIds) => throw Unavailable("turn token ids into text");

    public int VocabSize => vocabSize ?? throw Unavailable("know the model's vocabulary size");

    /// <summary>False: prompts from files go as text, counted by the server's usage.</summary>
    public bool CanEncode => false;

    private InferenceException Unavailable(string what) => new(
        $"backend = {backend} has no tokenizer endpoint, so lem cannot {what}: give model as synthetic(...) or a local Hugging Face folder with its tokenizer files (for synthetic token-id prompts), or use text prompts from a file.");
}
