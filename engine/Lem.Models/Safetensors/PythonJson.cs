using System.Globalization;
using System.Text;

namespace Lem.Models.Safetensors;

/// <summary>
/// Writes JSON exactly as Python's <c>json.dumps(obj, indent=2, sort_keys=..., ensure_ascii=...)</c> does, which is how
/// transformers writes config.json, generation_config.json and model.safetensors.index.json.
/// Values: null, bool, int, long, double (written as Python's float repr), string, a dictionary with string keys
/// (written in its own order unless sorted), or a list.
/// </summary>
public static class PythonJson
{
    public static string Dumps(object? value, bool sortKeys = true, bool ensureAscii = true)
    {
        var json = new StringBuilder();
        Write(json, value, 0, sortKeys, ensureAscii);
        return json.ToString();
    }

    private static void Write(StringBuilder json, object? value, int level, bool sortKeys, bool ensureAscii)
    {
        switch (value)
        {
            case null: json.Append("null"); break;
            case bool b: json.Append(b ? "true" : "false"); break;
            case int i: json.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: json.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: json.Append(FloatRepr(d)); break;
            case float f: json.Append(FloatRepr(f)); break;
            case string s: AppendString(json, s, ensureAscii); break;
            case IEnumerable<KeyValuePair<string, object?>> map:
            {
                var items = sortKeys ? map.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() : map.ToList();
                if (items.Count == 0)
                {
                    json.Append("{}");
                    break;
                }
                json.Append("{\n");
                for (int k = 0; k < items.Count; k++)
                {
                    json.Append(' ', 2 * (level + 1));
                    AppendString(json, items[k].Key, ensureAscii);
                    json.Append(": ");
                    Write(json, items[k].Value, level + 1, sortKeys, ensureAscii);
                    json.Append(k < items.Count - 1 ? ",\n" : "\n");
                }
                json.Append(' ', 2 * level).Append('}');
                break;
            }
            case System.Collections.IEnumerable list:
            {
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0)
                {
                    json.Append("[]");
                    break;
                }
                json.Append("[\n");
                for (int k = 0; k < items.Count; k++)
                {
                    json.Append(' ', 2 * (level + 1));
                    Write(json, items[k], level + 1, sortKeys, ensureAscii);
                    json.Append(k < items.Count - 1 ? ",\n" : "\n");
                }
                json.Append(' ', 2 * level).Append(']');
                break;
            }
            default:
                throw new ArgumentException($"PythonJson cannot write a {value.GetType().Name}");
        }
    }

    /// <summary>A JSON string: quotes, backslashes and control characters escaped; with <paramref name="ensureAscii"/> also every non-ASCII character (Python's json.dumps default), without it as serde_json writes them.</summary>
    internal static void AppendString(StringBuilder json, string s, bool ensureAscii)
    {
        json.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits; scientific below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
            return "NaN";
        if (double.IsInfinity(d))
            return d > 0 ? "Infinity" : "-Infinity";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        string sign = r.StartsWith('-') ? "-" : "";
        r = r.TrimStart('-');
        int exponent = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int point = r.IndexOf('.');
        string digits = point >= 0 ? r.Remove(point, 1) : r;
        int decpt = (point >= 0 ? point : r.Length) + exponent; // value = 0.digits * 10^decpt
        int lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        decpt -= lead;
        if (digits.Length == 0)
            return sign + "0.0";
        if (decpt - 1 < -4 || decpt - 1 >= 16)
        {
            string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            int exp10 = decpt - 1;
            return sign + mantissa + "e" + (exp10 < 0 ? "-" : "+") + Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture);
        }
        if (decpt <= 0)
            return sign + "0." + new string('0', -decpt) + digits;
        if (decpt >= digits.Length)
            return sign + digits + new string('0', decpt - digits.Length) + ".0";
        return sign + digits[..decpt] + "." + digits[decpt..];
    }
}
