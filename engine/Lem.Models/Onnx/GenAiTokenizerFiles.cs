using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lem.Models.Tokenization;

namespace Lem.Models.Onnx;

/// <summary>
/// The tokenizer files of an ONNX Runtime GenAI folder. A Hugging Face folder's own files are copied; a synthetic
/// model (GPT-2's tokenizer, marked for lem in tokenizer_config.json) gets a tokenizer.json in Hugging Face tokenizers
/// format built from GPT-2's vocab and merges (<see cref="Gpt2VocabFiles"/>), which GenAI's tokenizer loads, beside the
/// tokenizer_config.json that lem's own loader reads first (so lem and the TorchSharp backend count tokens alike).
/// </summary>
public static class GenAiTokenizerFiles
{
    private static readonly string[] Copied = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "tokenizer.model", "added_tokens.json"];

    public static IReadOnlyList<string> Write(string sourceFolder, string targetFolder)
    {
        var written = new List<string>();
        foreach (var name in Copied)
        {
            string source = Path.Combine(sourceFolder, name);
            if (!File.Exists(source)) continue;
            File.Copy(source, Path.Combine(targetFolder, name), overwrite: true);
            written.Add(name);
        }
        if (!written.Contains("tokenizer.json") && IsLemGpt2(sourceFolder))
        {
            File.WriteAllText(Path.Combine(targetFolder, "tokenizer.json"), Gpt2TokenizerJson());
            written.Add("tokenizer.json");
        }
        return written;
    }

    private static bool IsLemGpt2(string folder)
    {
        string config = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(config)) return false;
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        return doc.RootElement.TryGetProperty(TokenizerLoader.MarkerKey, out var m) && m.GetString() == TokenizerLoader.Gpt2Tiktoken;
    }

    /// <summary>GPT-2's byte-level BPE in Hugging Face tokenizers' tokenizer.json format.</summary>
    public static string Gpt2TokenizerJson()
    {
        var vocab = JsonNode.Parse(Gpt2VocabFiles.VocabJson)!.AsObject();
        var merges = new JsonArray();
        foreach (var line in Gpt2VocabFiles.MergesTxt.Split('\n'))
            if (line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
                merges.Add(line);
        JsonObject ByteLevel(bool addPrefixSpace, bool trimOffsets) => new()
        {
            ["type"] = "ByteLevel", ["add_prefix_space"] = addPrefixSpace, ["trim_offsets"] = trimOffsets, ["use_regex"] = true,
        };
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = TokenizerLoader.Gpt2EndOfText, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = true, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevel(false, true),
            ["post_processor"] = ByteLevel(true, false),
            ["decoder"] = ByteLevel(true, true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "", ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["vocab"] = vocab, ["merges"] = merges,
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
