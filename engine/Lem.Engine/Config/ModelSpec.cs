namespace Lem.Engine.Config;

/// <summary>The <c>model</c> parameter: a Hugging Face layout folder, or a synthetic preset with the seed of its random weights.</summary>
public sealed record ModelSpec
{
    private ModelSpec(string? folderPath, string? syntheticPreset, long syntheticSeed)
    {
        FolderPath = folderPath;
        SyntheticPreset = syntheticPreset;
        SyntheticSeed = syntheticSeed;
    }

    public string? FolderPath { get; }
    public string? SyntheticPreset { get; }
    public long SyntheticSeed { get; }
    public bool IsSynthetic => SyntheticPreset is not null;

    public static ModelSpec Folder(string path) => new(path, null, 0);
    public static ModelSpec Synthetic(string preset, long seed = 0) => new(null, preset, seed);

    /// <summary>From a validated <c>model</c> value: a text path or <c>synthetic("PRESET", seed = N)</c>.</summary>
    public static ModelSpec From(ConfigValue value) => value switch
    {
        ConfigValue.Text path => Folder(path.Value),
        ConfigValue.Call { Name: "synthetic" } call => FromSynthetic(CallCatalogue.SyntheticModel.Bind(call)),
        _ => throw new ArgumentException($"model: {value} is not a model folder path or synthetic(\"PRESET\")", nameof(value)),
    };

    private static ModelSpec FromSynthetic(IReadOnlyDictionary<string, ConfigValue> arguments) =>
        Synthetic(((ConfigValue.Text)arguments["preset"]).Value, ((ConfigValue.Integer)arguments["seed"]).Value);

    public override string ToString() => IsSynthetic ? $"synthetic(\"{SyntheticPreset}\", seed = {SyntheticSeed})" : FolderPath!;
}
