namespace Lem.Engine.Inference;

/// <summary>
/// Receives tokens as they reach the host. <paramref name="timestampTicks"/> is <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>
/// taken right after the tokens were copied to the host. <paramref name="tokenIds"/>[i] is the new token of batch row i,
/// or -1 where that row had already finished.
/// </summary>
public interface ITokenObserver
{
    void OnTokens(int step, ReadOnlySpan<int> tokenIds, long timestampTicks);
}
