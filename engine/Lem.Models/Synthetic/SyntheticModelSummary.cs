namespace Lem.Models.Synthetic;

/// <summary>What <see cref="SyntheticModelWriter.Write"/> produced.</summary>
/// <param name="Parameters">Number of parameters (tied weights once).</param>
/// <param name="WeightBytes">Bytes of tensor data over all safetensors files.</param>
/// <param name="Files">Files written, relative to the folder.</param>
public sealed record SyntheticModelSummary(SyntheticPreset Preset, long Seed, string Folder, long Parameters, long WeightBytes, IReadOnlyList<string> Files);
