namespace Lem.Engine.Inference;

/// <summary>One request of the request execution shape.</summary>
/// <param name="Index">The prompt's position in the workload (stable across cycles).</param>
/// <param name="PromptTokenIds">The prompt as token ids (exact lengths for synthetic prompts); sent as ids where the backend accepts them.</param>
/// <param name="PromptText">The prompt as text, where there is one (file prompts); null for synthetic token-id prompts.</param>
public sealed record InferenceRequest(int Index, int[] PromptTokenIds, string? PromptText);
