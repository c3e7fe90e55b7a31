using System.Globalization;

namespace Lem.Engine.Config;

/// <summary>Words for values, kinds and ranges in diagnostics and in the parameter table.</summary>
internal static class ValueText
{
    /// <summary>"the word bf16", "the text \"8\"", "the integer 8".</summary>
    public static string Describe(ConfigValue value) => value switch
    {
        ConfigValue.Integer i => "the integer " + i,
        ConfigValue.Decimal d => "the number " + d,
        ConfigValue.Boolean b => "the boolean " + b,
        ConfigValue.Text t => "the text " + t,
        ConfigValue.Word w => "the word " + w,
        ConfigValue.Duration d => "the duration " + d,
        ConfigValue.List l => "the list " + l,
        ConfigValue.Call c => "the call " + c,
        _ => value.ToString() ?? "",
    };

    /// <summary>What a parameter of this kind accepts, as a phrase: "a whole number", "one of fp32, fp16, bf16".</summary>
    public static string Expected(ParameterKind kind, IReadOnlyList<string> allowed) => kind switch
    {
        ParameterKind.Integer => "a whole number",
        ParameterKind.Decimal => "a number",
        ParameterKind.Boolean => "true or false",
        ParameterKind.Text => "text in double quotes",
        ParameterKind.Choice => "one of " + string.Join(", ", allowed),
        ParameterKind.Duration => "a duration with a unit (ms, s, m, h)",
        ParameterKind.Model => "a model folder path in double quotes, or synthetic(\"PRESET\")",
        ParameterKind.Prompts => "a prompt source: synthetic(count = N, input_tokens = N) or file(\"PATH\")",
        ParameterKind.TextList => "a list of texts, for example [\"cuda:0\", \"cuda:1\"]",
        _ => kind.ToString(),
    };

    /// <summary>Short type names for the parameter table: integer, decimal, text list...</summary>
    public static string TypeName(ParameterKind kind) => kind switch
    {
        ParameterKind.TextList => "text list",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>"from 1 to 65536 prompts", "at least 0", "from 0s to 1h"; null when unbounded.</summary>
    public static string? Range(ParameterKind kind, double? min, double? max, string? unit)
    {
        if (max is >= long.MaxValue) max = null;
        if (min is null && max is null) return null;
        Func<double, string> format = kind == ParameterKind.Duration ? s => DurationText.Format(TimeSpan.FromSeconds(s)) : Number;
        var suffix = unit is null || kind == ParameterKind.Duration ? "" : " " + unit;
        if (min is not null && max is not null) return $"from {format(min.Value)} to {format(max.Value)}{suffix}";
        return min is not null ? $"at least {format(min.Value)}{suffix}" : $"at most {format(max!.Value)}{suffix}";
    }

    /// <summary>"1..65536", ">= 0", "0s..1h" for the parameter table; null when unbounded.</summary>
    public static string? CompactRange(ParameterKind kind, double? min, double? max)
    {
        if (max is >= long.MaxValue) max = null;
        Func<double, string> format = kind == ParameterKind.Duration ? s => DurationText.Format(TimeSpan.FromSeconds(s)) : Number;
        if (min is not null && max is not null) return format(min.Value) + ".." + format(max.Value);
        if (min is not null) return ">= " + format(min.Value);
        if (max is not null) return "<= " + format(max.Value);
        return null;
    }

    public static string Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("0.##########", CultureInfo.InvariantCulture);
}
