using Lem.Engine.Flops;

namespace Lem.Engine.Workload;

/// <summary>
/// One batch of a measured run. Token figures are the backend's (<see cref="Inference.BatchGeneration"/>);
/// times are seconds from the start of the measurement window.
/// </summary>
public sealed record BatchRecord(
    int Index,
    int Rows,
    long PromptTokens,
    long PaddedPromptTokens,
    long OutputTokens,
    double StartS,
    double EndS,
    double PrefillSeconds,
    double DecodeSeconds,
    FlopCount? TracedFlops);
