using System.Globalization;
using System.Text.RegularExpressions;

namespace Lem.Engine.Results.Store;

/// <summary>File names inside a run folder: <c>START</c>, <c>raw-worker{k}.json</c>, <c>timeseries-worker{k}.csv</c>,
/// <c>DONE</c>, <c>INTERRUPTED</c> or <c>FAILED</c> (with <c>completed-requests-worker{k}.json</c> and <c>logs/</c>),
/// <c>aggregated.json</c>.</summary>
public static partial class RunFiles
{
    public const string Start = "START";
    public const string Done = "DONE";
    public const string Interrupted = "INTERRUPTED";
    public const string Failed = "FAILED";
    public const string Logs = "logs";
    public const string Aggregated = "aggregated.json";

    public static string Raw(int worker) => string.Create(CultureInfo.InvariantCulture, $"raw-worker{worker}.json");
    public static string CompletedRequests(int worker) => string.Create(CultureInfo.InvariantCulture, $"completed-requests-worker{worker}.json");
    public static string TimeSeries(int worker) => string.Create(CultureInfo.InvariantCulture, $"timeseries-worker{worker}.csv");

    /// <summary>The worker index of a raw record file name, or null for any other file (temporary files included).</summary>
    public static int? RawWorker(string fileName)
    {
        var match = RawPattern().Match(fileName);
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;
    }

    [GeneratedRegex(@"^raw-worker(\d{1,6})\.json$")]
    private static partial Regex RawPattern();
}
