namespace Lem.Backends.Server.Client;

/// <summary>A prompt as it goes on the wire: token ids (exact length) or text.</summary>
public sealed record PromptPayload(int[]? TokenIds, string? Text);
