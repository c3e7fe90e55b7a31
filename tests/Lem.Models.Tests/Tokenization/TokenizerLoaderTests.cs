using Lem.Models.Tokenization;
using Lem.Engine.Inference;

namespace Lem.Models.Tests.Tokenization;

public sealed class TokenizerLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-tok-").FullName;

    // A byte-level BPE in tokenizer.json form: spaces are "Ġ" (U+0120) in the vocabulary, as in GPT-2, Llama 3 and Qwen.
    private const string TinyTokenizerJson = """
    {
      "version": "1.0",
      "added_tokens": [ { "id": 11, "content": "<|bos|>", "special": true }, { "id": 12, "content": "<|eot|>", "special": true } ],
      "normalizer": null,
      "pre_tokenizer": { "type": "Sequence", "pretokenizers": [
        { "type": "Split", "pattern": { "Regex": " ?\\p{L}+|\\s+" }, "behavior": "Isolated", "invert": false },
        { "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false } ] },
      "post_processor": { "type": "Sequence", "processors": [
        { "type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true },
        { "type": "TemplateProcessing", "single": [ { "SpecialToken": { "id": "<|bos|>", "type_id": 0 } }, { "Sequence": { "id": "A", "type_id": 0 } } ],
          "pair": [], "special_tokens": { "<|bos|>": { "id": "<|bos|>", "ids": [11], "tokens": ["<|bos|>"] } } } ] },
      "decoder": { "type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true },
      "model": { "type": "BPE", "dropout": null, "unk_token": null, "byte_fallback": false,
        "vocab": { "h": 0, "e": 1, "l": 2, "o": 3, "Ġ": 4, "he": 5, "ll": 6, "hell": 7, "hello": 8, "Ġhello": 9, "Ġh": 10 },
        "merges": [ ["h", "e"], ["l", "l"], ["he", "ll"], ["hell", "o"], ["Ġ", "hello"] ] }
    }
    """;

    [Fact]
    public void Synthetic_marker_selects_gpt2()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{\"lem_tokenizer\": \"gpt2-tiktoken\"}");
        var tokenizer = TokenizerLoader.Load(_dir);
        Assert.Equal("gpt2-tiktoken", tokenizer.Kind);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));
    }

    [Fact]
    public void Unknown_marker_is_a_clear_error()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{\"lem_tokenizer\": \"bert\"}");
        var e = Assert.Throws<InferenceException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("lem_tokenizer 'bert' is not known", e.Message);
    }

    [Fact]
    public void Byte_level_bpe_tokenizer_json_encodes_with_merges_and_bos()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), TinyTokenizerJson);
        var tokenizer = TokenizerLoader.Load(_dir);

        Assert.Equal("tokenizer.json BPE", tokenizer.Kind);
        Assert.Equal(13, tokenizer.VocabSize);
        Assert.Equal(11, tokenizer.BosTokenId);
        Assert.Equal([11, 8, 9, 9], tokenizer.Encode("hello hello hello"));
        Assert.Equal("hello hello", tokenizer.Decode([8, 9]));
        Assert.Equal("hello<|eot|><|40|>", tokenizer.Decode([8, 12, 40]));
    }

    [Fact]
    public void Merges_as_strings_work_too()
    {
        string json = TinyTokenizerJson.Replace("[ [\"h\", \"e\"], [\"l\", \"l\"], [\"he\", \"ll\"], [\"hell\", \"o\"], [\"Ġ\", \"hello\"] ]",
            "[ \"h e\", \"l l\", \"he ll\", \"hell o\", \"Ġ hello\" ]");
        Assert.NotEqual(TinyTokenizerJson, json);
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), json);
        Assert.Equal([11, 8, 9], TokenizerLoader.Load(_dir).Encode("hello hello"));
    }

    [Fact]
    public void Non_byte_level_tokenizer_json_points_to_tokenizer_model()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), TinyTokenizerJson.Replace("ByteLevel", "Metaspace"));
        var e = Assert.Throws<InferenceException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("only byte-level BPE tokenizer.json is supported", e.Message);
        Assert.Contains("tokenizer.model", e.Message);
    }

    [Fact]
    public void Unigram_tokenizer_json_is_refused_clearly()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), TinyTokenizerJson.Replace("\"type\": \"BPE\"", "\"type\": \"Unigram\""));
        var e = Assert.Throws<InferenceException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("tokenizer model type 'Unigram' is not supported", e.Message);
    }

    [Fact]
    public void A_folder_without_tokenizer_files_lists_what_was_looked_for()
    {
        var e = Assert.Throws<InferenceException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("has no tokenizer: looked for tokenizer_config.json", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
