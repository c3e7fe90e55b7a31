using System.Text.Json;
using System.Text.RegularExpressions;
using Lem.Models.Tokenization;
using Microsoft.ML.Tokenizers;

namespace Lem.Models.Tests.Tokenization;

public sealed class Gpt2VocabFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-vocab-").FullName;

    [Fact]
    public void Vocab_has_every_gpt2_id_once()
    {
        using var vocab = JsonDocument.Parse(Gpt2VocabFiles.VocabJson);
        var ids = vocab.RootElement.EnumerateObject().Select(p => p.Value.GetInt32()).ToList();
        Assert.Equal(TokenizerLoader.Gpt2VocabSize, ids.Count);
        Assert.Equal(Enumerable.Range(0, TokenizerLoader.Gpt2VocabSize), ids.Order());
        Assert.Equal(15496, vocab.RootElement.GetProperty("Hello").GetInt32());
        Assert.Equal(995, vocab.RootElement.GetProperty("Ġworld").GetInt32());
        Assert.Equal(50256, vocab.RootElement.GetProperty("<|endoftext|>").GetInt32());
    }

    [Fact]
    public void Merges_start_with_gpt2s_first_merges()
    {
        string[] lines = Gpt2VocabFiles.MergesTxt.Split('\n');
        Assert.Equal("#version: 0.2", lines[0]);
        Assert.Equal(["Ġ t", "Ġ a", "h e", "i n", "r e"], lines[1..6]);
        Assert.Equal(50000, lines.Count(l => l.Length > 0) - 1);
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog.")]
    [InlineData("  Grüße, 日本語 🙂\n\tdef f(x): return x ** 2")]
    [InlineData("LLenergyMeasure measures joules per token; 1234567 tokens/s!")]
    public void A_bpe_tokenizer_built_from_the_files_matches_tiktoken(string text)
    {
        Gpt2VocabFiles.WriteTo(_dir);
        var bpe = BpeTokenizer.Create(new BpeOptions(Path.Combine(_dir, "vocab.json"), Path.Combine(_dir, "merges.txt"))
        {
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(HfTokenizerJson.Gpt2Pattern), null),
        });
        Assert.Equal(TokenizerLoader.Gpt2().Encode(text), bpe.EncodeToIds(text));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
