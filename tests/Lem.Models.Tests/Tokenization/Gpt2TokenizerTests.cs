using Lem.Models.Tokenization;

namespace Lem.Models.Tests.Tokenization;

public class Gpt2TokenizerTests
{
    private readonly TextTokenizer _gpt2 = TokenizerLoader.Gpt2();

    [Fact]
    public void Known_sentence_has_the_gpt2_ids()
    {
        // GPT-2's encoding of the pangram (Hugging Face GPT2Tokenizer gives the same ten ids).
        Assert.Equal([464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13], _gpt2.Encode("The quick brown fox jumps over the lazy dog."));
        Assert.Equal([15496, 995], _gpt2.Encode("Hello world"));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("Hello world", 2)]
    [InlineData("Hello world, this is LLenergyMeasure!", 9)]
    [InlineData("<|endoftext|>", 1)]
    public void Token_counts_are_exact(string text, int count) => Assert.Equal(count, _gpt2.Encode(text).Length);

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog.")]
    [InlineData("  leading spaces, tabs\tand\nnewlines\n\n")]
    [InlineData("Grüße, 日本語, emoji 🙂 and math ∑x²")]
    [InlineData("def f(x):\n    return x ** 2  # code")]
    public void Encode_then_decode_gives_the_text_back(string text) =>
        Assert.Equal(text, _gpt2.Decode(_gpt2.Encode(text)));

    [Fact]
    public void End_of_text_is_the_last_id()
    {
        Assert.Equal(50257, _gpt2.VocabSize);
        Assert.Equal([TokenizerLoader.Gpt2EndOfText], _gpt2.Encode("<|endoftext|>"));
        Assert.Equal("<|endoftext|>", _gpt2.Decode([50256]));
    }

    [Fact]
    public void Ids_beyond_the_vocabulary_decode_to_placeholders()
    {
        Assert.Equal("Hello<|50257|> world<|128001|><|-1|>", _gpt2.Decode([15496, 50257, 995, 128001, -1]));
    }
}
