using System.Text.Json;

namespace Lem.Engine.Flops.Analytical;

/// <summary>
/// The token facts of a Hugging Face config.json (or generation_config.json) that do not depend on the family: the
/// vocabulary size, the BOS id, the EOS ids (<c>eos_token_id</c> is one id or a list) and the context length
/// (<c>max_position_embeddings</c>, GPT-2's <c>n_positions</c>). Read by <see cref="ArchitectureConfig.Parse"/> for the
/// families it knows, and alone where lem only needs these (a served model of any family). A key that is absent or not
/// a whole number is null (empty for the EOS ids).
/// </summary>
public sealed record ConfigTokens(int? VocabSize, int? BosTokenId, IReadOnlyList<int> EosTokenIds, int? MaxPositionEmbeddings)
{
    public static readonly ConfigTokens None = new(null, null, [], null);

    /// <exception cref="FlopsInputException">Not JSON; <paramref name="source"/> names it.</exception>
    public static ConfigTokens Parse(string json, string source = "config.json")
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e)
        {
            throw new FlopsInputException($"{source}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message}); a Hugging Face config.json is expected.", e);
        }
        using (document) return Of(document.RootElement);
    }

    /// <summary>The token facts of a parsed config.json object (none where it is not an object).</summary>
    public static ConfigTokens Of(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return None;
        int? Int(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
        int[] eos = root.TryGetProperty("eos_token_id", out var e) ? e.ValueKind switch
        {
            JsonValueKind.Number when e.TryGetInt32(out var one) => [one],
            JsonValueKind.Array => e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out _)).Select(x => x.GetInt32()).ToArray(),
            _ => [],
        } : [];
        return new ConfigTokens(Int("vocab_size"), Int("bos_token_id"), eos, Int("max_position_embeddings") ?? Int("n_positions"));
    }
}
