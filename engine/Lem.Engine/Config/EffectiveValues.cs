namespace Lem.Engine.Config;

/// <summary>
/// The values cross-field rules see: what the user set (when it passed its own checks), else the preset's or the
/// default. A parameter whose set value was invalid reads as unknown (null), so that no rule fires on a guess.
/// </summary>
public sealed class EffectiveValues(IReadOnlyDictionary<string, ResolvedValue> resolved, IReadOnlyDictionary<string, ResolvedValue> set, IReadOnlySet<string> invalid)
{
    public bool IsSet(string name) => set.ContainsKey(name);

    public ResolvedValue? Get(string name)
    {
        if (invalid.Contains(name)) return null;
        var value = resolved.GetValueOrDefault(name);
        // Values derived from a preset that was itself invalid are guesses.
        if (value?.From is Provenance.Derived && invalid.Contains(ConfigResolver.PresetParameter)) return null;
        return value;
    }

    public Provenance? Where(string name) => Get(name)?.From;

    public long? Integer(string name) => Get(name)?.Value is ConfigValue.Integer i ? i.Value : null;

    public double? Number(string name) => Get(name)?.Value switch
    {
        ConfigValue.Integer i => i.Value,
        ConfigValue.Decimal d => d.Value,
        _ => null,
    };

    public string? Word(string name) => Get(name)?.Value switch
    {
        ConfigValue.Word w => w.Value,
        ConfigValue.Text t => t.Value,
        _ => null,
    };

    public string? Text(string name) => Get(name)?.Value is ConfigValue.Text t ? t.Value : null;

    public bool? Boolean(string name) => Get(name)?.Value is ConfigValue.Boolean b ? b.Value : null;

    public IReadOnlyList<string>? TextList(string name) =>
        Get(name)?.Value is ConfigValue.List l ? l.Items.OfType<ConfigValue.Text>().Select(t => t.Value).ToList() : null;

    public ConfigValue? Value(string name) => Get(name)?.Value;
}
