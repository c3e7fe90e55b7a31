using System.Globalization;

namespace Lem.Engine.Config;

/// <summary>
/// The <c>prompts</c> parameter: the source (<c>synthetic</c> or <c>file</c>) and its arguments by name, positional
/// ones named and omitted ones filled from their defaults (see <see cref="CallCatalogue"/>).
/// </summary>
public sealed record PromptSpec(string Source, IReadOnlyDictionary<string, ConfigValue> Arguments)
{
    public bool IsSynthetic => Source == CallCatalogue.SyntheticPrompts.Name;
    public bool IsFile => Source == CallCatalogue.FilePrompts.Name;

    /// <summary>From a validated <c>prompts</c> call.</summary>
    public static PromptSpec From(ConfigValue.Call call)
    {
        var signature = CallCatalogue.PromptCalls.FirstOrDefault(s => s.Name == call.Name)
            ?? throw new ArgumentException($"prompts: {call.Name}() is not a prompt source", nameof(call));
        return new PromptSpec(call.Name, signature.Bind(call));
    }

    public bool Has(string argument) => Arguments.ContainsKey(argument);

    public long Integer(string argument) => Get(argument) is ConfigValue.Integer i ? i.Value : throw Mistyped(argument, "an integer");

    public long? OptionalInteger(string argument) => Has(argument) ? Integer(argument) : null;

    public double Decimal(string argument) => Get(argument) switch
    {
        ConfigValue.Integer i => i.Value,
        ConfigValue.Decimal d => d.Value,
        _ => throw Mistyped(argument, "a number"),
    };

    public bool Boolean(string argument) => Get(argument) is ConfigValue.Boolean b ? b.Value : throw Mistyped(argument, "true or false");

    /// <summary>A text or word argument (<c>path</c>, <c>format</c>, <c>column</c>).</summary>
    public string Text(string argument) => Get(argument) switch
    {
        ConfigValue.Text t => t.Value,
        ConfigValue.Word w => w.Value,
        _ => throw Mistyped(argument, "text"),
    };

    public string? OptionalText(string argument) => Has(argument) ? Text(argument) : null;

    /// <summary>The longest prompt in tokens where the source fixes it (synthetic prompts); null for files.</summary>
    public int? LongestPromptTokens => IsSynthetic ? checked((int)Integer("input_tokens")) : null;

    public override string ToString() =>
        Source + "(" + string.Join(", ", Arguments.Select(a => a.Key + " = " + a.Value)) + ")";

    private ConfigValue Get(string argument) =>
        Arguments.TryGetValue(argument, out var value) ? value : throw new KeyNotFoundException($"prompts: {Source}() has no value for '{argument}'");

    private InvalidOperationException Mistyped(string argument, string expected) =>
        new(string.Create(CultureInfo.InvariantCulture, $"prompts: {Source}() argument '{argument}' is not {expected}"));
}
