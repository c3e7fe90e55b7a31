using System.Collections.Concurrent;
using Lem.Engine.Workload;

namespace Lem.Engine.Running;

/// <summary>
/// How far one run got, for its failure record: the stage each worker is in, the first failing worker's stage, and the
/// requests each worker completed so far. Workers of a data-parallel run write it from their own threads.
/// </summary>
internal sealed class RunTrace(int workers)
{
    private readonly string[] _phases = Enumerable.Repeat("plan", workers).ToArray();
    private readonly ConcurrentQueue<RequestRecord>[] _completed = Enumerable.Range(0, workers).Select(_ => new ConcurrentQueue<RequestRecord>()).ToArray();
    private string? _failedPhase;

    /// <summary>Worker <paramref name="worker"/> enters <paramref name="phase"/>.</summary>
    public void Enter(int worker, string phase) => Volatile.Write(ref _phases[worker], phase);

    /// <summary>The run (every worker) enters <paramref name="phase"/>.</summary>
    public void EnterAll(string phase)
    {
        for (var k = 0; k < _phases.Length; k++) Enter(k, phase);
    }

    /// <summary>Worker <paramref name="worker"/> failed: its stage is the run's failed phase, unless another worker failed first.</summary>
    public void Failed(int worker) => Interlocked.CompareExchange(ref _failedPhase, Volatile.Read(ref _phases[worker]), null);

    /// <summary>The stage the run failed in: the first failing worker's, else worker 0's now.</summary>
    public string FailedPhase => Volatile.Read(ref _failedPhase) ?? Volatile.Read(ref _phases[0]);

    public void Completed(int worker, RequestRecord record) => _completed[worker].Enqueue(record);

    /// <summary>Worker <paramref name="worker"/>'s completed requests, in completion order.</summary>
    public IReadOnlyList<RequestRecord> CompletedBy(int worker) => _completed[worker].ToArray();
}
