namespace Lem.Engine.Inference;

/// <summary>The model's tokenizer. Token counts in results come from here, never from text length.</summary>
public interface ITextTokenizer
{
    int[] Encode(string text);
    string Decode(IReadOnlyList<int> tokenIds);
    int VocabSize { get; }

    /// <summary>
    /// Whether <see cref="Encode"/> works. A server without a tokenize endpoint has no tokenizer lem can use: prompts
    /// from files then go to it as text with no token ids, and their token counts are the server's own usage.
    /// </summary>
    bool CanEncode => true;
}
