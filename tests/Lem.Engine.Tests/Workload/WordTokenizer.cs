using Lem.Engine.Inference;

namespace Lem.Engine.Tests.Workload;

/// <summary>
/// A test tokenizer: whitespace-separated words, each cut into pieces of at most <c>pieceLength</c> characters,
/// one token per piece (pieceLength = int.MaxValue gives one token per word).
/// </summary>
internal sealed class WordTokenizer(int pieceLength = int.MaxValue) : ITextTokenizer
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _pieces = [];

    public int VocabSize => 50_000;

    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            for (var i = 0; i < word.Length; i += pieceLength)
                ids.Add(IdOf(word.Substring(i, Math.Min(pieceLength, word.Length - i))));
        return ids.ToArray();
    }

    public string Decode(IReadOnlyList<int> tokenIds) => string.Join(' ', tokenIds.Select(id => _pieces[id]));

    private int IdOf(string piece)
    {
        if (_ids.TryGetValue(piece, out var id)) return id;
        _ids[piece] = _pieces.Count;
        _pieces.Add(piece);
        return _pieces.Count - 1;
    }
}
