using System.Text.Json;
using System.Text.RegularExpressions;
using Lem.Engine.Inference;
using Microsoft.ML.Tokenizers;

namespace Lem.Models.Tokenization;

/// <summary>
/// Builds a Microsoft.ML.Tokenizers BpeTokenizer from a Hugging Face <c>tokenizer.json</c> of byte-level BPE type
/// (GPT-2, Llama 3, Qwen 2/3): vocab, merges, added tokens, the split regex of the pre-tokenizer, and the BOS token
/// that the post-processor or tokenizer_config.json adds.
/// </summary>
public static class HfTokenizerJson
{
    /// <summary>GPT-2's pre-tokenizer pattern, used by ByteLevel(use_regex=true).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static TextTokenizer Load(string path, JsonElement? tokenizerConfig = null)
    {
        using var document = TokenizerLoader.ParseJson(path);
        var root = document.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw Bad(path, "no \"model\" object");
        string type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        if (type != "BPE")
            throw new InferenceException($"{path}: tokenizer model type '{type}' is not supported (only BPE). Remedy: provide a tokenizer.model (SentencePiece) instead, or a BPE tokenizer.json.");
        if (!ContainsType(root, "pre_tokenizer", "ByteLevel") && !ContainsType(root, "decoder", "ByteLevel"))
            throw new InferenceException($"{path}: only byte-level BPE tokenizer.json is supported (this one has no ByteLevel pre-tokenizer or decoder, as in Llama 2 and Mistral). Remedy: put the model's tokenizer.model (SentencePiece) in the folder.");

        if (!model.TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
            throw Bad(path, "model has no \"vocab\" object");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocabJson.EnumerateObject())
            vocab[p.Name] = p.Value.GetInt32();

        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var mergesJson) && mergesJson.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in mergesJson.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.String)
                    merges.Add(m.GetString()!);
                else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
                    merges.Add(m[0].GetString() + " " + m[1].GetString());
                else
                    throw Bad(path, "a merge is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }

        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var a in added.EnumerateArray())
                if (a.TryGetProperty("content", out var c) && a.TryGetProperty("id", out var id))
                    special[c.GetString()!] = id.GetInt32();

        string pattern = FindSplitPattern(root) ?? Gpt2Pattern;
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.Compiled);
        }
        catch (ArgumentException e)
        {
            throw new InferenceException($"{path}: the pre-tokenizer pattern cannot be used by .NET regular expressions ({e.Message}). Remedy: report the model; provide tokenizer.model if it has one.");
        }

        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            SpecialTokens = special.Count > 0 ? special : null,
            PreTokenizer = new RegexPreTokenizer(regex, special.Count > 0 ? special : null),
            ByteLevel = true,
        };
        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InferenceException($"{path}: the BPE vocab and merges cannot be loaded ({e.Message}). Remedy: re-download tokenizer.json.");
        }
        int vocabSize = Math.Max(vocab.Values.DefaultIfEmpty(-1).Max(), special.Values.DefaultIfEmpty(-1).Max()) + 1;
        return new TextTokenizer(bpe, vocabSize, "tokenizer.json BPE", FindBos(root, tokenizerConfig, vocab, special));
    }

    private static bool ContainsType(JsonElement root, string property, string type) =>
        root.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.Object && ContainsType(p, type);

    private static bool ContainsType(JsonElement node, string type)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == type)
                return true;
            return node.EnumerateObject().Any(p => ContainsType(p.Value, type));
        }
        return node.ValueKind == JsonValueKind.Array && node.EnumerateArray().Any(e => ContainsType(e, type));
    }

    /// <summary>The regex of a Split pre-tokenizer (possibly inside a Sequence), or null.</summary>
    private static string? FindSplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            return null;
        var list = pre.TryGetProperty("pretokenizers", out var seq) && seq.ValueKind == JsonValueKind.Array ? seq.EnumerateArray().ToList() : [pre];
        foreach (var p in list)
            if (p.TryGetProperty("type", out var t) && t.GetString() == "Split"
                && p.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
                && pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
                return regex.GetString();
        return null;
    }

    /// <summary>
    /// The BOS id Hugging Face prepends: the first special token of a TemplateProcessing post-processor (Llama 3),
    /// else tokenizer_config.json's bos_token when add_bos_token is true.
    /// </summary>
    private static int? FindBos(JsonElement root, JsonElement? config, Dictionary<string, int> vocab, Dictionary<string, int> special)
    {
        int? Id(string token) => special.TryGetValue(token, out int s) ? s : vocab.TryGetValue(token, out int v) ? v : null;

        if (root.TryGetProperty("post_processor", out var post) && post.ValueKind == JsonValueKind.Object)
        {
            var processors = post.TryGetProperty("processors", out var ps) && ps.ValueKind == JsonValueKind.Array ? ps.EnumerateArray().ToList() : [post];
            foreach (var p in processors)
            {
                if (!p.TryGetProperty("type", out var t) || t.GetString() != "TemplateProcessing"
                    || !p.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array || single.GetArrayLength() == 0)
                    continue;
                var first = single[0];
                return first.TryGetProperty("SpecialToken", out var st) && st.TryGetProperty("id", out var name) ? Id(name.GetString()!) : null;
            }
        }
        if (config is JsonElement c && c.TryGetProperty("add_bos_token", out var add) && add.ValueKind == JsonValueKind.True
            && c.TryGetProperty("bos_token", out var bos))
        {
            string? token = bos.ValueKind == JsonValueKind.String ? bos.GetString()
                : bos.ValueKind == JsonValueKind.Object && bos.TryGetProperty("content", out var content) ? content.GetString() : null;
            return token is null ? null : Id(token);
        }
        return null;
    }

    private static InferenceException Bad(string path, string what) =>
        new($"{path}: {what}. Remedy: re-download the model's tokenizer.json.");
}
