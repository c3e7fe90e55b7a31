using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.Backend;

/// <summary>A test tokenizer: one token per character, ids 3..63.</summary>
internal sealed class CharTokenizer : ITextTokenizer
{
    public int[] Encode(string text) => text.Select(c => 3 + c % 61).ToArray();
    public string Decode(IReadOnlyList<int> tokenIds) => new(tokenIds.Select(t => (char)('a' + (t - 3) % 26)).ToArray());
    public int VocabSize => 64;
}
