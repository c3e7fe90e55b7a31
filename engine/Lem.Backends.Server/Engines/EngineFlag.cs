using System.Globalization;
using Lem.Engine.Config;

namespace Lem.Backends.Server.Engines;

/// <summary>
/// One row of an engine's flag table: a registry parameter and the engine flag (or environment variable) it becomes.
/// The same rows build the command line (<see cref="Launching.LaunchPlanner"/>) and the documentation, so the two
/// cannot disagree. A parameter with no default is passed only when set: otherwise the engine's own default applies.
/// </summary>
/// <param name="Flag">The engine's flag (<c>--max-num-seqs</c>) or, for <see cref="FlagStyle.Environment"/>, the variable name.</param>
/// <param name="NegativeFlag">The flag for false, for <see cref="FlagStyle.Negatable"/>.</param>
/// <param name="Derive">For <see cref="FlagStyle.Derived"/>: the arguments from all set values (by dotted name), empty when none applies.</param>
/// <param name="PreloadField">The field of the model-loading request (<see cref="ServerEngine.PreloadPath"/>) that carries the
/// value too (<c>options.num_ctx</c>, <c>keep_alive</c>); for <see cref="FlagStyle.Preload"/> the only place it goes.</param>
public sealed record EngineFlag(
    ParameterDefinition Parameter,
    string Flag,
    FlagStyle Style,
    string? NegativeFlag = null,
    Func<IReadOnlyDictionary<string, object>, IReadOnlyList<string>>? Derive = null,
    string? PreloadField = null)
{
    public string Name => Parameter.Name;

    /// <summary>Whether the flag only means something when lem starts the server (every flag does; kept for the rules' wording).</summary>
    public bool IsEnvironment => Style == FlagStyle.Environment;

    /// <summary>What the documentation table shows in the engine column.</summary>
    public string Describe() => Style switch
    {
        FlagStyle.Value => $"`{Flag} VALUE`",
        FlagStyle.Switch => $"`{Flag}` when true",
        FlagStyle.Negatable => $"`{Flag}` / `{NegativeFlag}`",
        FlagStyle.SwitchWhenFalse => $"`{Flag}` when false",
        FlagStyle.Environment => $"environment `{Flag}=VALUE`" + (PreloadField is null ? "" : $", and `{PreloadField}` of the load request"),
        FlagStyle.Preload => $"`{PreloadField}` of the load request (`{Flag}`)",
        FlagStyle.RequestField => $"`{Flag}` of every request",
        FlagStyle.Derived => Flag,
        _ => Flag,
    };

    /// <summary>The command-line arguments for <paramref name="value"/> (empty for environment variables and derived flags).</summary>
    public IReadOnlyList<string> Arguments(object value) => Style switch
    {
        FlagStyle.Value => [Flag, Text(value)],
        FlagStyle.Switch => AsBool(value) ? [Flag] : [],
        FlagStyle.Negatable => [AsBool(value) ? Flag : NegativeFlag!],
        FlagStyle.SwitchWhenFalse => AsBool(value) ? [] : [Flag],
        _ => [],
    };

    /// <summary>A value as the engine reads it on its command line: invariant numbers, seconds for durations.</summary>
    public static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        TimeSpan t => t.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        string[] list => string.Join(",", list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private bool AsBool(object value) => value is bool b
        ? b
        : throw new ArgumentException($"{Name} must be true or false, not {value}", nameof(value));

    // Table builders: one line per row in the engine files.
    public static EngineFlag Value(string name, ParameterKind kind, string flag, string help, string? unit = null, double? min = null, double? max = null, IReadOnlyList<string>? allowed = null) =>
        new(new ParameterDefinition(name, kind, null, help, unit, allowed, min, max), flag, FlagStyle.Value);

    /// <summary>A field of every request; <paramref name="defaultValue"/> is what lem sends when the parameter is unset.</summary>
    public static EngineFlag RequestField(string name, ParameterKind kind, string field, string help, ConfigValue defaultValue) =>
        new(new ParameterDefinition(name, kind, defaultValue, help), field, FlagStyle.RequestField);

    public static EngineFlag Switch(string name, string flag, string help) =>
        new(new ParameterDefinition(name, ParameterKind.Boolean, null, help), flag, FlagStyle.Switch);

    public static EngineFlag Negatable(string name, string flag, string negativeFlag, string help) =>
        new(new ParameterDefinition(name, ParameterKind.Boolean, null, help), flag, FlagStyle.Negatable, negativeFlag);

    public static EngineFlag SwitchWhenFalse(string name, string flag, string help) =>
        new(new ParameterDefinition(name, ParameterKind.Boolean, null, help), flag, FlagStyle.SwitchWhenFalse);

    public static EngineFlag Environment(string name, ParameterKind kind, string variable, string help, string? unit = null, double? min = null, double? max = null,
        string? preloadField = null) =>
        new(new ParameterDefinition(name, kind, null, help, unit, null, min, max), variable, FlagStyle.Environment, PreloadField: preloadField);

    /// <param name="preloadPath">The engine's model-loading request, for the documentation (<c>POST /api/generate</c>).</param>
    public static EngineFlag Preload(string name, ParameterKind kind, string preloadPath, string field, string help, string? unit = null, double? min = null, double? max = null) =>
        new(new ParameterDefinition(name, kind, null, help, unit, null, min, max), preloadPath, FlagStyle.Preload, PreloadField: field);
}
