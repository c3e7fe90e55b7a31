using Lem.Engine.Inference;

namespace Lem.Engine.Config;

/// <summary>The <c>decoder.*</c> section after the preset is applied (explicit values win). Temperature 0 means greedy.</summary>
public sealed record DecoderConfig(string Preset, double Temperature, double TopP, int TopK, double MinP, double RepetitionPenalty, long Seed)
{
    public bool Greedy => Temperature == 0;

    /// <summary>The settings a backend's generate call takes.</summary>
    public GenerationSettings ToGenerationSettings(int maxNewTokens, int minNewTokens) =>
        new(maxNewTokens, minNewTokens, Greedy, Temperature, TopK, TopP, MinP, RepetitionPenalty, Seed);
}
