using Lem.Engine.Inference;

namespace Lem.Backends.LlamaCpp.Tests;

internal sealed class RecordingObserver : ITokenObserver
{
    public List<(int Step, int[] Tokens, long Ticks)> Calls { get; } = [];

    public void OnTokens(int step, ReadOnlySpan<int> tokenIds, long timestampTicks) =>
        Calls.Add((step, tokenIds.ToArray(), timestampTicks));
}
