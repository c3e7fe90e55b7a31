using System.Text;
using Lem.Engine.Inference;
using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// The GGUF file's own tokenizer, run by llama.cpp: for lem's synthetic GGUF files the GPT-2 BPE vocabulary, so text
/// prompts get the token ids TorchSharp's GPT-2 tokenizer gives them. A BOS is added where the file asks for one.
/// </summary>
internal sealed class LlamaCppTokenizer(SafeLlamaModelHandle model) : ITextTokenizer
{
    public int VocabSize => model.Vocab.Count;

    public int[] Encode(string text) =>
        model.Tokenize(text, model.Vocab.ShouldAddBOS, special: false, Encoding.UTF8).Select(t => (int)t).ToArray();

    public string Decode(IReadOnlyList<int> tokenIds)
    {
        var bytes = new List<byte>();
        Span<byte> piece = stackalloc byte[256];
        foreach (int id in tokenIds)
        {
            if (id < 0 || id >= VocabSize)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes($"<|{id}|>"));
                continue;
            }
            uint written = model.TokenToSpan(id, piece, 0, special: false);
            if (written > piece.Length)
            {
                var large = new byte[written];
                model.TokenToSpan(id, large, 0, special: false);
                bytes.AddRange(large);
            }
            else
                bytes.AddRange(piece[..(int)written].ToArray());
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
