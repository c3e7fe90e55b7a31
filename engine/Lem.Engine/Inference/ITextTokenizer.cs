namespace Lem.Engine.Inference;

/// <summary>The model's tokenizer. Token counts in results come from here, never from text length.</summary>
public interface ITextTokenizer
{
    int[] Encode(string text);
    string Decode(IReadOnlyList<int> tokenIds);
    int VocabSize { get; }
}
