namespace Lem.Engine.Config;

/// <summary>
/// The <c>model</c> parameter: a location (a path — a Hugging Face folder, a GGUF file, an ONNX GenAI folder — or a model id
/// a server knows; the backend module says what it accepts and resolves it), or a synthetic preset with the seed of its
/// random weights (written in the backend's format).
/// </summary>
public sealed record ModelSpec
{
    private ModelSpec(string? location, string? syntheticPreset, long syntheticSeed)
    {
        Location = location;
        SyntheticPreset = syntheticPreset;
        SyntheticSeed = syntheticSeed;
    }

    /// <summary>The text the user wrote: a path (relative to the script's folder) or a server model id; null for synthetic models.</summary>
    public string? Location { get; }
    public string? SyntheticPreset { get; }
    public long SyntheticSeed { get; }
    public bool IsSynthetic => SyntheticPreset is not null;

    public static ModelSpec At(string location) => new(location, null, 0);
    public static ModelSpec Synthetic(string preset, long seed = 0) => new(null, preset, seed);

    /// <summary>From a validated <c>model</c> value: a text or <c>synthetic("PRESET", seed = N)</c>.</summary>
    public static ModelSpec From(ConfigValue value) => value switch
    {
        ConfigValue.Text location => At(location.Value),
        ConfigValue.Call { Name: "synthetic" } call => FromSynthetic(CallCatalogue.SyntheticModel.Bind(call)),
        _ => throw new ArgumentException($"model: {value} is not a model path or synthetic(\"PRESET\")", nameof(value)),
    };

    /// <summary>The location as a path: rooted, or relative to <paramref name="baseFolder"/> (the folder of the script that set it).</summary>
    public string PathFrom(string baseFolder) =>
        Location is null ? throw new InvalidOperationException("a synthetic model has no path")
            : System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(Location) ? Location : System.IO.Path.Combine(baseFolder, Location));

    private static ModelSpec FromSynthetic(IReadOnlyDictionary<string, ConfigValue> arguments) =>
        Synthetic(((ConfigValue.Text)arguments["preset"]).Value, ((ConfigValue.Integer)arguments["seed"]).Value);

    public override string ToString() => IsSynthetic ? $"synthetic(\"{SyntheticPreset}\", seed = {SyntheticSeed})" : Location!;
}
