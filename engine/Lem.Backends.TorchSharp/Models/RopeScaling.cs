namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Rotary embedding parameters: theta and the scaling rule (config.json "rope_scaling" with "rope_type"/"type",
/// or the transformers 5 "rope_parameters"). Supported types: default, linear, llama3.
/// </summary>
public sealed record RopeScaling(
    string RopeType,
    double Theta,
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositionEmbeddings = 8192);
