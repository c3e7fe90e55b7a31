using Lem.Engine.Inference;
using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// GenerationSettings as a llama.cpp sampler chain, in llama.cpp's own order: repetition penalty, top-k, top-p, min-p,
/// temperature, then a seeded draw; greedy decoding is llama.cpp's greedy sampler. One chain per batch row (the
/// penalty keeps that row's history, the draw its own generator): row i is seeded with seed + i.
/// </summary>
internal static class LlamaCppSampling
{
    public static bool IsGreedy(GenerationSettings s) => s.Greedy || s.Temperature <= 0;

    /// <param name="history">Tokens the repetition penalty counts (the row's prompt and all it will generate), as Hugging Face does.</param>
    public static SafeLLamaSamplerChainHandle Chain(GenerationSettings s, uint seed, int history)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (IsGreedy(s))
        {
            if (s.RepetitionPenalty != 1.0)
                chain.AddPenalties(history, (float)s.RepetitionPenalty, 0f, 0f);
            chain.AddGreedySampler();
            return chain;
        }
        if (s.RepetitionPenalty != 1.0)
            chain.AddPenalties(history, (float)s.RepetitionPenalty, 0f, 0f);
        if (s.TopK > 0)
            chain.AddTopK(s.TopK);
        if (s.TopP < 1.0)
            chain.AddTopP((float)s.TopP, 1);
        if (s.MinP > 0.0)
            chain.AddMinP((float)s.MinP, 1);
        chain.AddTemperature((float)s.Temperature);
        chain.AddDistributionSampler(seed);
        return chain;
    }

    /// <summary>The seed of row <paramref name="row"/>: settings.Seed + row, or a fresh random seed when unseeded.</summary>
    public static uint RowSeed(GenerationSettings s, int row) =>
        s.Seed is long seed ? unchecked((uint)(seed + row)) : (uint)Random.Shared.NextInt64(0, uint.MaxValue);
}
