using System.Text.Json;
using Lem.Engine.Inference;
using Lem.Models.Tokenization;

namespace Lem.Models.Gguf;

/// <summary>
/// The tokenizer metadata of a GGUF file for a byte-level BPE vocabulary (<c>tokenizer.ggml.model = gpt2</c>):
/// tokens in their byte-to-unicode spelling, token types, merges, special ids and llama.cpp's pre-tokenizer name.
/// </summary>
/// <param name="Pre">llama.cpp's pre-tokenizer name (<c>gpt-2</c>, <c>llama-bpe</c>, <c>qwen2</c>).</param>
public sealed record GgufVocabulary(string Pre, string[] Tokens, int[] TokenTypes, string[] Merges, int? BosTokenId, int? EosTokenId, bool AddBos)
{
    /// <summary>llama.cpp token types.</summary>
    public const int Normal = 1, Control = 3, UserDefined = 4, Unused = 5;

    public IEnumerable<KeyValuePair<string, GgufMetadataValue>> Metadata()
    {
        yield return new("tokenizer.ggml.model", GgufMetadataValue.Of("gpt2"));
        yield return new("tokenizer.ggml.pre", GgufMetadataValue.Of(Pre));
        yield return new("tokenizer.ggml.tokens", GgufMetadataValue.Of(Tokens));
        yield return new("tokenizer.ggml.token_type", GgufMetadataValue.Of(TokenTypes));
        yield return new("tokenizer.ggml.merges", GgufMetadataValue.Of(Merges));
        if (BosTokenId is int bos)
            yield return new("tokenizer.ggml.bos_token_id", GgufMetadataValue.Of((uint)bos));
        if (EosTokenId is int eos)
            yield return new("tokenizer.ggml.eos_token_id", GgufMetadataValue.Of((uint)eos));
        yield return new("tokenizer.ggml.add_bos_token", GgufMetadataValue.Of(AddBos));
    }

    /// <summary>
    /// GPT-2's vocabulary (the synthetic models' tokenizer) sized to the model: ids past GPT-2's 50,257 become unused
    /// <c>[PADn]</c> tokens, and a smaller vocabulary keeps its first ids. No BOS is added, as GPT-2's tokenizer adds none.
    /// </summary>
    public static GgufVocabulary Gpt2(int vocabSize, int? bosTokenId, int? eosTokenId)
    {
        using var vocab = JsonDocument.Parse(Gpt2VocabFiles.VocabJson);
        var byId = new string?[TokenizerLoader.Gpt2VocabSize];
        foreach (var p in vocab.RootElement.EnumerateObject())
            byId[p.Value.GetInt32()] = p.Name;
        var merges = Gpt2VocabFiles.MergesTxt.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("#version", StringComparison.Ordinal)).ToArray();
        return Sized(byId, vocabSize, new HashSet<int> { TokenizerLoader.Gpt2EndOfText }, merges, "gpt-2", bosTokenId, eosTokenId, addBos: false);
    }

    /// <summary>From a Hugging Face tokenizer.json of byte-level BPE type (Llama 3, Qwen 2/3, GPT-2).</summary>
    /// <exception cref="InferenceException">Not a byte-level BPE tokenizer.json.</exception>
    public static GgufVocabulary FromTokenizerJson(string path, GgufSourceConfig config, bool addBos)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        var root = document.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type) || type.GetString() != "BPE"
            || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InferenceException($"{path}: not a BPE tokenizer.json; lem writes GGUF tokenizers of byte-level BPE type only. Remedy: convert the model with llama.cpp's convert_hf_to_gguf.py and give the .gguf file.");
        var entries = vocab.EnumerateObject().Select(p => (p.Name, Id: p.Value.GetInt32())).ToList();
        var special = new HashSet<int>();
        var added = new List<(string, int)>();
        if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            foreach (var a in addedTokens.EnumerateArray())
            {
                int id = a.GetProperty("id").GetInt32();
                added.Add((a.GetProperty("content").GetString()!, id));
                if (a.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True)
                    special.Add(id);
            }
        int size = Math.Max(config.VocabSize, entries.Concat(added).Select(e => e.Item2 + 1).DefaultIfEmpty(0).Max());
        var byId = new string?[size];
        foreach (var (name, id) in entries.Concat(added))
            byId[id] = name;
        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var m) && m.ValueKind == JsonValueKind.Array)
            foreach (var merge in m.EnumerateArray())
                merges.Add(merge.ValueKind == JsonValueKind.Array ? merge[0].GetString() + " " + merge[1].GetString() : merge.GetString()!);
        string pre = config.ModelType switch
        {
            "qwen2" or "qwen3" => "qwen2",
            _ when config.VocabSize >= 128000 => "llama-bpe",
            _ => "gpt-2",
        };
        var userDefined = added.Select(a => a.Item2).Where(id => !special.Contains(id)).ToHashSet();
        var sized = Sized(byId, config.VocabSize, special, [.. merges], pre, config.BosTokenId, config.EosTokenIds.Length > 0 ? config.EosTokenIds[0] : null, addBos);
        foreach (int id in userDefined.Where(id => id < sized.TokenTypes.Length))
            sized.TokenTypes[id] = UserDefined;
        return sized;
    }

    private static GgufVocabulary Sized(string?[] byId, int vocabSize, ISet<int> control, string[] merges, string pre, int? bos, int? eos, bool addBos)
    {
        var tokens = new string[vocabSize];
        var types = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++)
        {
            string? token = i < byId.Length ? byId[i] : null;
            tokens[i] = token ?? $"[PAD{i}]";
            types[i] = token is null ? Unused : control.Contains(i) ? Control : Normal;
        }
        return new GgufVocabulary(pre, tokens, types, merges, bos is int b && b < vocabSize ? b : null, eos is int e && e < vocabSize ? e : null, addBos);
    }
}
