using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// A worker's workload, made before its window: its share of the prompts (tokenised), the batch plan (batch shape;
/// null in the request shape), the arrival times (drawn in advance, so no random draw happens inside the window) and
/// the fingerprint of the whole prompt set (the same workload across the members of a sweep).
/// </summary>
public sealed record PreparedWorkload(IReadOnlyList<Prompt> Prompts, BatchPlan? Plan, double[] ArrivalsS, IReadOnlyList<string> Warnings,
    string? Fingerprint = null);
