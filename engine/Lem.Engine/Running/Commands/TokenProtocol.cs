using System.Globalization;
using System.Text;
using System.Text.Json;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Running.Commands;

/// <summary>
/// The token protocol of <c>lem measure</c>: a measured program may print lines such as
/// <c>{"lem": {"output_tokens": 1234, "input_tokens": 567, "requests": 8}}</c> on its standard output (one JSON object
/// per line with a <c>lem</c> member). Each such line adds its counts to the run's totals, so a program may print one
/// line at the end or one per request or batch. A count never printed stays absent (never 0); a line with an unknown
/// key or a value that is not a whole number ≥ 0 is ignored as a whole, with a warning. Every other line is the
/// program's own output. It reads bytes as they come (lines may arrive in pieces) and is fed from one thread.
/// </summary>
public sealed class TokenProtocol
{
    public const string InputTokens = "input_tokens";
    public const string OutputTokens = "output_tokens";
    public const string Requests = "requests";

    /// <summary>Longer lines are never protocol lines (the program's own output); they are not buffered whole.</summary>
    private const int MaxLineBytes = 64 * 1024;

    private static readonly string[] Keys = [InputTokens, OutputTokens, Requests];

    private readonly List<byte> _line = [];
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private bool _overlong;
    private int _lineNumber;

    /// <summary>Protocol lines read (valid ones).</summary>
    public int Lines { get; private set; }

    /// <summary>What was wrong with ignored protocol lines, one entry per line.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Feeds bytes of the program's standard output.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                EndLine();
                continue;
            }
            if (_overlong) continue;
            if (_line.Count >= MaxLineBytes)
            {
                _overlong = true;
                _line.Clear();
                continue;
            }
            _line.Add(b);
        }
    }

    /// <summary>The output ended: a last line without a newline counts too.</summary>
    public void Complete()
    {
        if (_line.Count > 0 || _overlong) EndLine();
    }

    /// <summary>The totals as token counts: a count no line gave is null. Prompt tokens are the reported input tokens;
    /// padded prompt tokens are unknown (null).</summary>
    public TokenCounts Counts()
    {
        long? Get(string key) => _totals.TryGetValue(key, out var v) ? v : null;
        return new TokenCounts(Get(Requests), Get(InputTokens), null, Get(OutputTokens));
    }

    private void EndLine()
    {
        _lineNumber++;
        var overlong = _overlong;
        _overlong = false;
        if (overlong) return;
        var text = Encoding.UTF8.GetString([.. _line]).Trim();
        _line.Clear();
        if (!text.StartsWith('{') || !text.Contains("\"lem\"", StringComparison.Ordinal)) return;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return; // not JSON: the program's own output that happens to mention "lem"
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("lem", out var report)) return;
            var where = string.Create(CultureInfo.InvariantCulture, $"stdout line {_lineNumber}");
            if (report.ValueKind != JsonValueKind.Object)
            {
                _problems.Add($"{where}: \"lem\" must be an object such as {{\"output_tokens\": 1234}}; the line was ignored");
                return;
            }
            var counts = new List<(string Key, long Value)>();
            foreach (var property in report.EnumerateObject())
            {
                if (!Keys.Contains(property.Name, StringComparer.Ordinal))
                {
                    _problems.Add($"{where}: unknown key \"{property.Name}\" (the keys are {string.Join(", ", Keys)}); the line was ignored");
                    return;
                }
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var value) || value < 0)
                {
                    _problems.Add($"{where}: \"{property.Name}\" must be a whole number ≥ 0, not {property.Value.GetRawText()}; the line was ignored");
                    return;
                }
                counts.Add((property.Name, value));
            }
            foreach (var (key, value) in counts) _totals[key] = _totals.GetValueOrDefault(key) + value;
            Lines++;
        }
    }
}
