using System.Diagnostics;
using System.Text.Json.Nodes;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Launching;

/// <summary>
/// Waits until a server can serve the model: its health path answers 200 (where it has one) and <c>/v1/models</c>
/// lists the model. A server lem started that exits meanwhile ends the wait at once with its last log lines.
/// </summary>
public static class Readiness
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <returns>The <c>/v1/models</c> answer that listed the model.</returns>
    public static JsonNode WaitUntilReady(ServerEngine engine, ServerConnection connection, string model, TimeSpan timeout, ServerProcess? process, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        string last = "no answer yet";
        while (true)
        {
            if (process is { HasExited: true })
            {
                process.WaitForOutputEnd(TimeSpan.FromSeconds(2));
                throw new InferenceException($"{what} exited with code {process.ExitCode} before it was ready. {process.Log.TailText()}") { LogFiles = [process.Log.Path] };
            }
            var remaining = TimeSpan.FromSeconds(Math.Max(0.05, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
            using (var attempt = new CancellationTokenSource(Min(remaining, TimeSpan.FromSeconds(10))))
            {
                try
                {
                    var healthy = true;
                    if (engine.HealthPath is not null)
                    {
                        var (status, body) = connection.GetTextAsync(engine.HealthPath, attempt.Token).GetAwaiter().GetResult();
                        healthy = status == 200;
                        if (!healthy) last = $"{engine.HealthPath} answered {status} {ServerConnection.FirstLine(body, 120)}";
                    }
                    if (healthy)
                    {
                        var (status, body) = connection.GetTextAsync("/v1/models", attempt.Token).GetAwaiter().GetResult();
                        var models = status == 200 ? ServerConnection.TryParse(body) : null;
                        if (models is not null && ServerModelInfo.ListedModel(models, model) is not null) return models;
                        last = models is null
                            ? $"/v1/models answered {status} {ServerConnection.FirstLine(body, 120)}"
                            : $"/v1/models lists [{string.Join(", ", ServerModelInfo.ListedIds(models))}], not {model}";
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                {
                    last = e is OperationCanceledException ? "a probe timed out" : e.Message;
                }
            }
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                var tail = process is null ? "" : " " + process.Log.TailText();
                throw new InferenceException($"{what} was not ready within {timeout.TotalSeconds:0.#} s (server.ready_timeout): {last}. Raise server.ready_timeout, or check the model name and the server.{tail}")
                {
                    LogFiles = process is null ? [] : [process.Log.Path],
                };
            }
            Thread.Sleep(PollInterval);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
