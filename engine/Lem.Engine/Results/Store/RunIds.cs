using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lem.Engine.Results.Store;

/// <summary>
/// Run ids: <c>20261125T214455123Z-3fa9c1-llama_bf16-c0</c> — UTC time to the millisecond (so that ids sort by
/// time), a short random part (unique across processes), the sanitised experiment name and the cycle.
/// Only <c>[A-Za-z0-9._-]</c> appear, so an id is a safe folder name on every file system.
/// </summary>
public static partial class RunIds
{
    private const int MaxNameLength = 60;
    private static readonly object Gate = new();
    private static long lastMilliseconds;

    /// <param name="now">A fixed time (for tests); when absent, the clock, made strictly increasing within the process
    /// so that ids of quick successive calls are distinct and sort in call order.</param>
    public static string New(string experiment, int cycle, DateTimeOffset? now = null)
    {
        long milliseconds;
        if (now is { } fixedTime) milliseconds = fixedTime.ToUnixTimeMilliseconds();
        else
        {
            lock (Gate)
            {
                milliseconds = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), lastMilliseconds + 1);
                lastMilliseconds = milliseconds;
            }
        }
        var time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        return string.Create(CultureInfo.InvariantCulture, $"{time}-{random}-{Sanitise(experiment)}-c{cycle}");
    }

    /// <summary>Keeps letters, digits, '.', '_' and '-'; any other run of characters becomes one '_'; at most 60 characters.</summary>
    public static string Sanitise(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var safe = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
            if (safe) text.Append(c);
            else if (text.Length == 0 || text[^1] != '_') text.Append('_');
        }
        var result = text.ToString().Trim('_', '.', '-');
        if (result.Length > MaxNameLength) result = result[..MaxNameLength].TrimEnd('_', '.', '-');
        return result.Length == 0 ? "run" : result;
    }

    /// <summary>True when <paramref name="name"/> has the shape of an id made by <see cref="New"/>.</summary>
    public static bool LooksLikeRunId(string name) => IsSafe(name) && Shape().IsMatch(name);

    [GeneratedRegex(@"^\d{8}T\d{9}Z-[0-9a-f]{6}-")]
    private static partial Regex Shape();

    /// <summary>True when <paramref name="id"/> could name a run folder (no path separators, no leading dot).</summary>
    public static bool IsSafe(string id) =>
        id.Length > 0 && !id.StartsWith('.') && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
