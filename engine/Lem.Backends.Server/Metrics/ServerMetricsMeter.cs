using System.Globalization;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

namespace Lem.Backends.Server.Metrics;

/// <summary>
/// The server's own view of a measurement window: its Prometheus <c>/metrics</c> read at the window's begin, on a timer
/// during it, and at its end. Gauges (running and waiting requests, KV-cache usage) become time series and a
/// time-weighted mean (the trapezoid rule over the scrape times, so scrapes at uneven times weigh by the time they
/// cover) and a maximum; counters (prefix-cache hits and queries, preemptions, tokens) their change over the window; the
/// prefix-cache hit ratio is the change in hits over the change in queries. Scrapes run on the timer's thread,
/// never more than one at a time; a failed scrape is counted and warned about, never fatal.
/// </summary>
public sealed class ServerMetricsMeter : IMeter
{
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(5);

    private readonly ServerEngine _engine;
    private readonly IMetricsSource _source;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly List<(double TimeS, IReadOnlyDictionary<string, double> Values)> _scrapes = [];
    private ITimer? _timer;
    private long _windowStart;
    private int _scraping;
    private int _failed;
    private string? _lastFailure;
    private bool _captured;

    public ServerMetricsMeter(ServerEngine engine, IMetricsSource source, TimeSpan interval, TimeProvider time)
    {
        _engine = engine;
        _source = source;
        _interval = interval;
        _time = time;
    }

    public string Name => $"{_engine.Name}_server_metrics";

    public MeterHealth Health => new(Name, true,
        $"{_engine.DisplayName} Prometheus /metrics every {_interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s: {string.Join(", ", _engine.Metrics.Select(m => m.Meaning))}",
        UpdatePeriodMs: _interval.TotalMilliseconds);

    public void BeginWindow(string windowName)
    {
        lock (_gate)
        {
            _scrapes.Clear();
            _failed = 0;
            _lastFailure = null;
            _captured = false;
            _windowStart = _time.GetTimestamp();
        }
        Scrape();
        _timer = _time.CreateTimer(_ => Scrape(), null, _interval, _interval);
    }

    public void CaptureWindowEnd()
    {
        _timer?.Dispose();
        _timer = null;
        while (Volatile.Read(ref _scraping) == 1) Thread.Yield(); // a timer scrape in flight finishes first
        Scrape();
        _captured = true;
    }

    public MeterWindowResult EndWindow()
    {
        if (!_captured) CaptureWindowEnd();
        List<(double TimeS, IReadOnlyDictionary<string, double> Values)> scrapes;
        int failed;
        string? failure;
        lock (_gate)
        {
            scrapes = [.. _scrapes];
            failed = _failed;
            failure = _lastFailure;
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["server_metrics_scrapes"] = scrapes.Count,
            ["server_metrics_failed_scrapes"] = failed,
        };
        var series = new List<TimeSeriesPoint>();
        var warnings = new List<MeterWarning>();
        var hitRateInWindow = 0.0;
        foreach (var metric in _engine.Metrics)
        {
            var seen = scrapes.Where(s => s.Values.ContainsKey(metric.Series)).Select(s => (s.TimeS, Value: s.Values[metric.Series])).ToList();
            if (seen.Count == 0) continue;
            // a hit-rate gauge holds its last batch's value, so a value left from before the window stays until a batch in it
            // changes it: only values that differ from the one at the window's start are the window's
            if (metric.Series == StandardMetrics.PrefixCacheHitRate)
                hitRateInWindow = seen.Skip(1).Select(s => s.Value).Where(v => v != seen[0].Value).DefaultIfEmpty(0).Max();
            if (metric.Kind is ServerMetricKind.Gauge or ServerMetricKind.Ratio)
            {
                metrics[metric.Series + "_mean"] = TimeWeightedMean(seen);
                metrics[metric.Series + "_max"] = seen.Max(s => s.Value);
                series.AddRange(seen.Select(s => new TimeSeriesPoint(s.TimeS, metric.Series, s.Value)));
                continue;
            }
            var first = seen[0].Value;
            var delta = seen[^1].Value - first;
            if (delta < 0)
            {
                warnings.Add(new MeterWarning("server-counter-reset", $"{metric.Series} went down during the window (the server restarted or reset its counters).", "Re-run the experiment; check the server's log."));
                continue;
            }
            metrics[metric.Series] = delta;
            series.AddRange(seen.Select(s => new TimeSeriesPoint(s.TimeS, metric.Series, s.Value - first)));
        }
        if (metrics.TryGetValue(StandardMetrics.PrefixCacheHits, out var hits) && metrics.TryGetValue(StandardMetrics.PrefixCacheQueries, out var queries) && queries > 0)
        {
            metrics[StandardMetrics.PrefixCacheHitRate] = hits / queries;
            if (hits > 0)
                warnings.Add(PromptCache(FormattableString.Invariant(
                    $"{_engine.DisplayName}'s prefix cache served {hits:0} of the window's {queries:0} prompt tokens ({100 * hits / queries:0}%, from its /metrics)")));
        }
        else if (hitRateInWindow > 0)
            warnings.Add(PromptCache(FormattableString.Invariant(
                $"{_engine.DisplayName}'s prefix-cache hit rate reached {100 * hitRateInWindow:0}% in the window (from its /metrics)")));
        if (failed > 0)
            warnings.Add(new MeterWarning("server-metrics-scrape-failed", $"{failed} of {failed + scrapes.Count} scrapes of /metrics failed (last: {failure}).",
                "Check that the server serves /metrics (llama-server needs --metrics, SGLang --enable-metrics), or set server.metrics = false."));
        return MeterWindowResult.Create(Name, [], metrics, warnings, series);
    }

    private MeterWarning PromptCache(string seen)
    {
        var (code, message, remedy) = PromptCacheWarning.Of(_engine, seen);
        return new MeterWarning(code, message, remedy);
    }

    /// <summary>∫ value dt ÷ (last − first scrape time) by the trapezoid rule; the plain mean where the scrapes span no time.</summary>
    private static double TimeWeightedMean(IReadOnlyList<(double TimeS, double Value)> seen)
    {
        var span = seen[^1].TimeS - seen[0].TimeS;
        var area = PowerIntegration.TrapezoidJ(seen.Select(s => s.TimeS).ToArray(), seen.Select(s => s.Value).ToArray());
        return span > 0 && area is { } integral ? integral / span : seen.Average(s => s.Value);
    }

    /// <summary>One scrape, kept with its time since the window began; skipped while another is in flight.</summary>
    private void Scrape()
    {
        if (Interlocked.Exchange(ref _scraping, 1) == 1) return;
        try
        {
            var timeS = _time.GetElapsedTime(_windowStart).TotalSeconds;
            try
            {
                var (samples, _) = PrometheusText.Parse(_source.Scrape(ScrapeTimeout));
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var metric in _engine.Metrics)
                {
                    var value = metric.Kind == ServerMetricKind.Ratio
                        ? PrometheusText.Mean(samples, metric.PrometheusNames)
                        : PrometheusText.Sum(samples, metric.PrometheusNames);
                    if (value is { } v) values[metric.Series] = v;
                }
                lock (_gate) _scrapes.Add((timeS, values));
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                lock (_gate)
                {
                    _failed++;
                    _lastFailure = e.Message;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _scraping, 0);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
