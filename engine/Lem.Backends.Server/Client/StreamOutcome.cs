namespace Lem.Backends.Server.Client;

/// <summary>What one streamed response held, read by <see cref="ResponseStream"/>.</summary>
/// <param name="Done">Whether the stream ended with <c>data: [DONE]</c> (else it was cut short).</param>
/// <param name="TokenChunks">Chunks that carried generated tokens (text, or a usage count that grew).</param>
/// <param name="ChunkTokensKnown">Whether every token chunk's token count was known (usage in every chunk).</param>
/// <param name="ServerError">An error object the server sent inside the stream, as one line; null where none.</param>
/// <param name="Timings">The server's own per-request timings (llama-server's <c>timings</c>), by property name.</param>
public sealed record StreamOutcome(
    bool Done,
    string? FinishReason,
    int? CompletionTokens,
    int? PromptTokens,
    int? CachedPromptTokens,
    int TokenChunks,
    bool ChunkTokensKnown,
    string? ServerError,
    IReadOnlyDictionary<string, double> Timings);
