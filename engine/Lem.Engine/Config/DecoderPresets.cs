namespace Lem.Engine.Config;

/// <summary>
/// The values behind <c>decoder.preset</c>. Explicit <c>decoder.*</c> parameters override a preset value by value.
/// min_p 0 and repetition_penalty 1 (both off) in every preset, so that presets differ only in how they sample.
/// </summary>
public static class DecoderPresets
{
    /// <summary>Greedy decoding: the most probable token every step. Reproducible without a seed; the usual choice for measurements.</summary>
    public static readonly DecoderPreset Deterministic = new("deterministic", Temperature: 0, TopP: 1.0, TopK: 0, MinP: 0, RepetitionPenalty: 1.0);

    /// <summary>Plain sampling as most chat deployments do it.</summary>
    public static readonly DecoderPreset Standard = new("standard", Temperature: 1.0, TopP: 0.95, TopK: 50, MinP: 0, RepetitionPenalty: 1.0);

    /// <summary>A flatter distribution with a wide nucleus: more varied text.</summary>
    public static readonly DecoderPreset Creative = new("creative", Temperature: 1.2, TopP: 0.98, TopK: 100, MinP: 0, RepetitionPenalty: 1.0);

    /// <summary>A sharp distribution with a narrow nucleus: close to greedy but still sampled.</summary>
    public static readonly DecoderPreset Factual = new("factual", Temperature: 0.3, TopP: 0.9, TopK: 40, MinP: 0, RepetitionPenalty: 1.0);

    public static readonly IReadOnlyList<DecoderPreset> All = [Deterministic, Standard, Creative, Factual];

    public static bool TryGet(string name, out DecoderPreset preset)
    {
        preset = All.FirstOrDefault(p => p.Name == name)!;
        return preset is not null;
    }

    public static DecoderPreset Get(string name) =>
        TryGet(name, out var preset) ? preset : throw new ArgumentException($"unknown decoder preset '{name}'; presets: {string.Join(", ", All.Select(p => p.Name))}", nameof(name));

    /// <summary>One line per preset, for help texts: <c>deterministic = greedy (temperature 0); standard = temperature 1, ...</c>.</summary>
    public static string Summary => string.Join("; ", All.Select(p => p.Name + " = " + p.Describe()));
}
