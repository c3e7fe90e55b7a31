using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Models.Synthetic;

/// <summary>
/// The presets of synthetic models, one table. Real-shaped presets copy the published config.json of the model
/// they are named after; tiny presets keep the family's structure at a few MB (vocab 50304 so every GPT-2 token id fits).
///
/// Names: <c>tiny</c> is <c>llama:tiny</c>; a real preset name alone (<c>llama-3.2-1b</c>, <c>qwen2.5-0.5b</c>, ...) finds its
/// family; <c>arch:preset</c> (<c>qwen3:tiny</c>, <c>gpt2:gpt2</c>) names any preset; <c>arch-tiny</c> (<c>qwen3-tiny</c>) is accepted too.
/// </summary>
public static class SyntheticPresets
{
    private const int TinyVocab = 50304;
    private const int Gpt2Eot = 50256;

    public static readonly IReadOnlyList<SyntheticPreset> All =
    [
        // ---- llama (LlamaForCausalLM)
        new("llama", "tiny", HiddenSize: 64, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 16, IntermediateSize: 172, VocabSize: TinyVocab,
            MaxPositionEmbeddings: 2048, RopeTheta: 10000.0, NormEps: 1e-5, TieWordEmbeddings: false, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "float32"),
        // small: every matrix row a whole number of 256-weight blocks, so llama.cpp's k-quants and ORT's int4 apply; a few
        // tens of MB, quick on a CPU (the quantization examples and tests)
        new("llama", "small", HiddenSize: 256, Layers: 4, Heads: 4, KvHeads: 2, HeadDim: 64, IntermediateSize: 768, VocabSize: TinyVocab,
            MaxPositionEmbeddings: 2048, RopeTheta: 10000.0, NormEps: 1e-5, TieWordEmbeddings: true, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "float32"),
        new("llama", "llama-3.2-1b", HiddenSize: 2048, Layers: 16, Heads: 32, KvHeads: 8, HeadDim: 64, IntermediateSize: 8192, VocabSize: 128256,
            MaxPositionEmbeddings: 131072, RopeTheta: 500000.0, NormEps: 1e-5, TieWordEmbeddings: true, BosTokenId: 128000, EosTokenIds: [128001], DType: "bfloat16",
            RopeScaling: new(Factor: 32.0, LowFreqFactor: 1.0, HighFreqFactor: 4.0, OriginalMaxPositionEmbeddings: 8192)),
        new("llama", "llama-3.1-8b", HiddenSize: 4096, Layers: 32, Heads: 32, KvHeads: 8, HeadDim: 128, IntermediateSize: 14336, VocabSize: 128256,
            MaxPositionEmbeddings: 131072, RopeTheta: 500000.0, NormEps: 1e-5, TieWordEmbeddings: false, BosTokenId: 128000, EosTokenIds: [128001], DType: "bfloat16",
            RopeScaling: new(Factor: 8.0, LowFreqFactor: 1.0, HighFreqFactor: 4.0, OriginalMaxPositionEmbeddings: 8192)),
        new("llama", "llama-2-7b", HiddenSize: 4096, Layers: 32, Heads: 32, KvHeads: 32, HeadDim: 128, IntermediateSize: 11008, VocabSize: 32000,
            MaxPositionEmbeddings: 4096, RopeTheta: 10000.0, NormEps: 1e-5, TieWordEmbeddings: false, BosTokenId: 1, EosTokenIds: [2], DType: "bfloat16"),

        // ---- mistral (MistralForCausalLM)
        new("mistral", "tiny", HiddenSize: 64, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 16, IntermediateSize: 172, VocabSize: TinyVocab,
            MaxPositionEmbeddings: 2048, RopeTheta: 10000.0, NormEps: 1e-5, TieWordEmbeddings: false, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "float32",
            SlidingWindow: 4096),
        new("mistral", "mistral-7b", HiddenSize: 4096, Layers: 32, Heads: 32, KvHeads: 8, HeadDim: 128, IntermediateSize: 14336, VocabSize: 32000,
            MaxPositionEmbeddings: 32768, RopeTheta: 10000.0, NormEps: 1e-5, TieWordEmbeddings: false, BosTokenId: 1, EosTokenIds: [2], DType: "bfloat16",
            SlidingWindow: 4096),

        // ---- qwen2 (Qwen2ForCausalLM; q/k/v projections have biases)
        new("qwen2", "tiny", HiddenSize: 64, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 16, IntermediateSize: 172, VocabSize: TinyVocab,
            MaxPositionEmbeddings: 2048, RopeTheta: 1000000.0, NormEps: 1e-6, TieWordEmbeddings: true, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "float32",
            SlidingWindow: 2048, MaxWindowLayers: 2),
        new("qwen2", "qwen2.5-0.5b", HiddenSize: 896, Layers: 24, Heads: 14, KvHeads: 2, HeadDim: 64, IntermediateSize: 4864, VocabSize: 151936,
            MaxPositionEmbeddings: 32768, RopeTheta: 1000000.0, NormEps: 1e-6, TieWordEmbeddings: true, BosTokenId: 151643, EosTokenIds: [151643], DType: "bfloat16",
            SlidingWindow: 32768, MaxWindowLayers: 24),

        // ---- qwen3 (Qwen3ForCausalLM; per-head q_norm/k_norm, head_dim independent of hidden/heads)
        new("qwen3", "tiny", HiddenSize: 64, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 32, IntermediateSize: 172, VocabSize: TinyVocab,
            MaxPositionEmbeddings: 2048, RopeTheta: 1000000.0, NormEps: 1e-6, TieWordEmbeddings: true, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "float32",
            MaxWindowLayers: 2),
        new("qwen3", "qwen3-0.6b", HiddenSize: 1024, Layers: 28, Heads: 16, KvHeads: 8, HeadDim: 128, IntermediateSize: 3072, VocabSize: 151936,
            MaxPositionEmbeddings: 40960, RopeTheta: 1000000.0, NormEps: 1e-6, TieWordEmbeddings: true, BosTokenId: 151643, EosTokenIds: [151645], DType: "bfloat16",
            MaxWindowLayers: 28),

        // ---- gpt2 (GPT2LMHeadModel; Conv1D weights stored [in, out], learned positions, tied head; IntermediateSize = 4 * hidden)
        new("gpt2", "tiny", HiddenSize: 64, Layers: 2, Heads: 4, KvHeads: 4, HeadDim: 16, IntermediateSize: 256, VocabSize: 50257,
            MaxPositionEmbeddings: 1024, RopeTheta: 0, NormEps: 1e-5, TieWordEmbeddings: true, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "float32"),
        new("gpt2", "gpt2", HiddenSize: 768, Layers: 12, Heads: 12, KvHeads: 12, HeadDim: 64, IntermediateSize: 3072, VocabSize: 50257,
            MaxPositionEmbeddings: 1024, RopeTheta: 0, NormEps: 1e-5, TieWordEmbeddings: true, BosTokenId: Gpt2Eot, EosTokenIds: [Gpt2Eot], DType: "bfloat16"),
    ];

    /// <summary>How synthetic model names are written, for CLI help and error messages.</summary>
    public static string NamingHelp =>
        "synthetic(\"NAME\"): NAME is tiny (a few-MB Llama), a real model's shape ("
        + string.Join(", ", All.Where(p => p.Name != "tiny").Select(p => p.Name))
        + "), or arch:preset for any family (" + string.Join(", ", Specs) + "; arch-tiny works too). "
        + "Tiny presets are float32, real shapes bfloat16; weights are seeded random (gibberish output), the tokenizer is GPT-2's.";

    public static IReadOnlyList<string> Architectures => All.Select(p => p.Arch).Distinct().ToList();

    /// <summary>Every accepted spelling in its canonical <c>arch:preset</c> form, for help texts.</summary>
    public static IReadOnlyList<string> Specs => All.Select(p => p.Spec).ToList();

    /// <summary>Finds a preset by arch and preset name.</summary>
    public static SyntheticPreset Get(string arch, string preset) =>
        Find(arch + ":" + preset) ?? throw new InferenceException($"synthetic model '{arch}:{preset}' is not a preset. Remedy: use one of {string.Join(", ", Specs)}.");

    /// <summary>Resolves <c>tiny</c>, <c>llama-3.2-1b</c>, <c>qwen3:tiny</c>, <c>qwen3-tiny</c> to a preset.</summary>
    public static SyntheticPreset Resolve(string name) => Find(name) ?? throw new InferenceException(UnknownMessage(name));

    /// <summary>The preset <paramref name="name"/> means (as <see cref="Resolve"/> reads it), or null when it means none.</summary>
    public static SyntheticPreset? Find(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        int colon = n.IndexOf(':');
        if (colon >= 0)
            return All.FirstOrDefault(x => x.Arch == n[..colon] && x.Name == n[(colon + 1)..]);
        if (n == "tiny")
            return Find("llama:tiny");
        if (n.EndsWith("-tiny", StringComparison.Ordinal) && Architectures.Contains(n[..^5]))
            return Find(n[..^5] + ":tiny");
        var byName = All.Where(p => p.Name == n && p.Name != "tiny").ToList();
        return byName.Count == 1 ? byName[0] : null;
    }

    /// <summary>Why <paramref name="name"/> is not a preset, with the closest names and the remedy.</summary>
    public static string UnknownMessage(string name)
    {
        var names = new[] { "tiny" }.Concat(All.Where(p => p.Name != "tiny").Select(p => p.Name)).Concat(Specs).Distinct().ToList();
        var closest = NameSuggester.Closest(name, names);
        return $"synthetic model '{name}' is not a preset. Remedy: use one of tiny, {string.Join(", ", All.Where(p => p.Name != "tiny").Select(p => p.Name))}, " +
            $"or arch:preset ({string.Join(", ", Specs)}) (lem model presets lists them){(closest is null ? "." : $"; did you mean '{closest}'?")}";
    }
}
