namespace Lem.Engine.Inference;

/// <summary>
/// The request execution shape: the engine dispatches single requests (open-loop arrivals or a concurrency cap) and the
/// backend streams each one's tokens back; batching happens inside the backend (a server's continuous batching).
/// <see cref="GenerateAsync"/> is called concurrently, once per request in flight.
/// </summary>
public interface IRequestModel : ILoadedModel
{
    /// <summary>
    /// Sends one request and completes when its response has ended (or failed). Calls
    /// <see cref="IRequestObserver.OnChunk"/> as each streamed chunk arrives on the host. A failed request (HTTP error,
    /// broken stream, timeout) returns a completion with <see cref="RequestCompletion.Error"/> set rather than
    /// throwing; it throws <see cref="InferenceException"/> only when the backend itself is gone (a server that exited).
    /// </summary>
    Task<RequestCompletion> GenerateAsync(InferenceRequest request, GenerationSettings settings, IRequestObserver observer, CancellationToken cancellation);
}
