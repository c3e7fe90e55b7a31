namespace Lem.Engine.Inference;

/// <summary>Decoding settings for one generate call. Temperature 0 (or <see cref="Greedy"/>) means greedy.</summary>
public sealed record GenerationSettings(
    int MaxNewTokens,
    int MinNewTokens = 0,
    bool Greedy = true,
    double Temperature = 1.0,
    int TopK = 0,
    double TopP = 1.0,
    double MinP = 0.0,
    double RepetitionPenalty = 1.0,
    long? Seed = null);
