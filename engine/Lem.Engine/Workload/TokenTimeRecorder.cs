using Lem.Engine.Inference;

namespace Lem.Engine.Workload;

/// <summary>
/// Keeps the host timestamp of every token of every batch row, as the backend reports them. A stop request ends the
/// batch at its next decode step (the observer throws <see cref="OperationCanceledException"/> into the backend's loop).
/// </summary>
internal sealed class TokenTimeRecorder : ITokenObserver
{
    private readonly List<long>[] _ticks;
    private readonly Action<long>? _firstTokens;
    private readonly CancellationToken _cancellation;
    private bool _firstTokensSeen;

    /// <param name="firstTokens">Called once, with the timestamp of the first tokens the backend reports.</param>
    public TokenTimeRecorder(int rows, Action<long>? firstTokens = null, CancellationToken cancellation = default)
    {
        _firstTokens = firstTokens;
        _cancellation = cancellation;
        _ticks = new List<long>[rows];
        for (var i = 0; i < rows; i++) _ticks[i] = [];
    }

    public bool AnyTokens { get; private set; }

    public IReadOnlyList<long> TicksOf(int row) => _ticks[row];

    public void OnTokens(int step, ReadOnlySpan<int> tokenIds, long timestampTicks)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (!_firstTokensSeen)
        {
            _firstTokensSeen = true;
            _firstTokens?.Invoke(timestampTicks);
        }
        var rows = Math.Min(tokenIds.Length, _ticks.Length);
        for (var row = 0; row < rows; row++)
        {
            if (tokenIds[row] < 0) continue; // the row had finished
            _ticks[row].Add(timestampTicks);
            AnyTokens = true;
        }
    }
}
