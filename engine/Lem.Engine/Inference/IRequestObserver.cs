namespace Lem.Engine.Inference;

/// <summary>Receives the chunks of one streamed response as they reach the host.</summary>
public interface IRequestObserver
{
    /// <summary>The request was handed to the transport (its send time: TTFT counts from here when there is no earlier arrival time).</summary>
    void OnSent(long timestampTicks);

    /// <summary>
    /// One streamed chunk arrived. <paramref name="timestampTicks"/> is <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>
    /// taken when the chunk was read. <paramref name="tokens"/> is the number of new tokens it holds where the backend knows
    /// it (token ids in the chunk, or a per-chunk count), null where it does not: the engine then spreads the request's
    /// total (from <see cref="RequestCompletion.OutputTokens"/>) evenly over the chunks and records that it did.
    /// </summary>
    void OnChunk(long timestampTicks, int? tokens);
}
