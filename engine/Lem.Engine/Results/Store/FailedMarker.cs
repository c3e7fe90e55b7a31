namespace Lem.Engine.Results.Store;

/// <summary>
/// Content of a run's <c>FAILED</c> file: the run stopped with an error and will never complete (no DONE may follow).
/// </summary>
/// <param name="Phase">The stage it failed in: plan, load, workload, baseline, warmup, measure or record.</param>
/// <param name="Error">The error, one line.</param>
/// <param name="Logs">The backend's logs kept in the run folder (a launched server's output), relative to it.</param>
/// <param name="CompletedRequests">Requests completed before the failure, kept in <c>completed-requests-worker{k}.json</c>.</param>
public sealed record FailedMarker(string RunId, string Phase, string Error, IReadOnlyList<string> Logs, int CompletedRequests, DateTimeOffset MarkedUtc);
