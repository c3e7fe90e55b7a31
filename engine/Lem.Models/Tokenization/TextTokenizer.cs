using System.Text;
using Lem.Engine.Inference;
using Microsoft.ML.Tokenizers;

namespace Lem.Models.Tokenization;

/// <summary>
/// An <see cref="ITextTokenizer"/> over a Microsoft.ML.Tokenizers tokenizer. Ids the tokenizer does not know (a
/// model's vocabulary is often larger than its tokenizer's) decode to a placeholder <c>&lt;|id|&gt;</c> instead of failing.
/// </summary>
public sealed class TextTokenizer : ITextTokenizer
{
    private readonly Tokenizer _tokenizer;

    /// <param name="tokenizer">The underlying tokenizer.</param>
    /// <param name="vocabSize">Number of ids the tokenizer can produce and decode (regular plus special tokens): ids 0 to vocabSize-1.</param>
    /// <param name="kind">What was loaded, for messages and results (for example <c>gpt2-tiktoken</c>, <c>tokenizer.json BPE</c>).</param>
    /// <param name="bosTokenId">When set, Encode puts this id first, as the model's Hugging Face tokenizer does.</param>
    /// <param name="foldIdsAt">
    /// When set (synthetic models whose vocabulary is smaller than the tokenizer's), Encode maps each id to
    /// id mod foldIdsAt so every id fits the model; token counts are unchanged, and VocabSize becomes foldIdsAt.
    /// </param>
    public TextTokenizer(Tokenizer tokenizer, int vocabSize, string kind, int? bosTokenId = null, int? foldIdsAt = null)
    {
        _tokenizer = tokenizer;
        VocabSize = foldIdsAt is int fold && fold < vocabSize ? fold : vocabSize;
        FoldIdsAt = foldIdsAt is int f && f < vocabSize ? f : null;
        Kind = kind;
        BosTokenId = bosTokenId;
    }

    public int? FoldIdsAt { get; }

    public int VocabSize { get; }
    public string Kind { get; }
    public int? BosTokenId { get; }
    public Tokenizer Inner => _tokenizer;

    public int[] Encode(string text)
    {
        var ids = _tokenizer.EncodeToIds(text);
        int offset = BosTokenId is null ? 0 : 1;
        var result = new int[ids.Count + offset];
        if (BosTokenId is int bos)
            result[0] = bos;
        for (int i = 0; i < ids.Count; i++)
            result[i + offset] = FoldIdsAt is int fold ? ids[i] % fold : ids[i];
        return result;
    }

    public string Decode(IReadOnlyList<int> tokenIds)
    {
        var text = new StringBuilder();
        var run = new List<int>();
        foreach (int id in tokenIds)
        {
            if (id >= 0 && id < VocabSize)
            {
                run.Add(id);
                continue;
            }
            Flush();
            text.Append("<|").Append(id).Append("|>");
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            if (run.Count == 0)
                return;
            text.Append(_tokenizer.Decode(run));
            run.Clear();
        }
    }
}
