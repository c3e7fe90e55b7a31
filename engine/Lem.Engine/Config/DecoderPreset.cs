namespace Lem.Engine.Config;

/// <summary>The decoder values a preset stands for. Temperature 0 means greedy decoding; top_k 0 disables top-k.</summary>
public sealed record DecoderPreset(string Name, double Temperature, double TopP, int TopK, double MinP, double RepetitionPenalty)
{
    public bool Greedy => Temperature == 0;

    /// <summary>The registry parameters this preset sets, with their values.</summary>
    public IReadOnlyList<KeyValuePair<string, ConfigValue>> Values =>
    [
        new("decoder.temperature", new ConfigValue.Decimal(Temperature)),
        new("decoder.top_p", new ConfigValue.Decimal(TopP)),
        new("decoder.top_k", new ConfigValue.Integer(TopK)),
        new("decoder.min_p", new ConfigValue.Decimal(MinP)),
        new("decoder.repetition_penalty", new ConfigValue.Decimal(RepetitionPenalty)),
    ];

    /// <summary><c>temperature 0.3, top_p 0.9, top_k 40, min_p 0, repetition_penalty 1</c>.</summary>
    public string Describe() => Greedy
        ? "greedy (temperature 0)"
        : FormattableString.Invariant($"temperature {Temperature}, top_p {TopP}, top_k {TopK}, min_p {MinP}, repetition_penalty {RepetitionPenalty}");
}
