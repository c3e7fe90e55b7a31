using Lem.Engine.Inference;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Lem.Backends.OrtGenAi.Generation;

/// <summary>
/// lem's generation settings as GenAI search options. GenAI's search applies, per step: EOS suppressed while the
/// sequence is shorter than min_length, repetition penalty over the whole sequence, then greedy argmax, or temperature
/// with top-k and/or top-p and a draw from its mt19937 seeded with random_seed. GenAI has no min-p (refused), its seed
/// is a 32-bit int (lem's seed is folded into [0, 2³¹ − 1]), and its sequence holds the right padding of shorter rows,
/// so the repetition penalty of a padded row also applies to the pad id.
/// </summary>
public static class SearchOptions
{
    /// <summary>GenAI's limit on batch_size (kMaxBatchSize in its generator).</summary>
    public const int MaxBatchSize = 32;

    public static void Apply(GeneratorParams p, GenerationSettings s, int rows, int paddedPromptLength)
    {
        p.SetSearchOption("batch_size", rows);
        p.SetSearchOption("max_length", paddedPromptLength + s.MaxNewTokens);
        // min_length counts the (padded) prompt: EOS is held back while fewer than MinNewTokens tokens are new
        p.SetSearchOption("min_length", s.MinNewTokens > 0 ? paddedPromptLength + s.MinNewTokens : 0);
        p.SetSearchOption("repetition_penalty", s.RepetitionPenalty);
        p.SetSearchOption("num_beams", 1);
        bool greedy = s.Greedy || s.Temperature <= 0;
        p.SetSearchOption("do_sample", !greedy);
        if (greedy)
            return;
        p.SetSearchOption("temperature", s.Temperature);
        p.SetSearchOption("top_k", s.TopK);
        p.SetSearchOption("top_p", s.TopP);
        if (s.Seed is long seed)
            p.SetSearchOption("random_seed", Seed32(seed));
    }

    /// <summary>lem's seed as GenAI's int random_seed (−1 there means "random"): seeds in [0, 2³¹ − 1] are kept, others folded in.</summary>
    public static int Seed32(long seed) => seed is >= 0 and <= int.MaxValue ? (int)seed : (int)((ulong)seed % int.MaxValue);
}
