namespace Lem.Engine.Config;

/// <summary>
/// A value as written in a configuration (a .lem script, a YAML file or a --set flag), before it is
/// typed against the parameter registry. The language front ends lower their syntax to these.
/// </summary>
public abstract record ConfigValue
{
    /// <summary>The value as a backend option (<see cref="ExperimentConfig.BackendOptions"/>): bool, long, double, string,
    /// TimeSpan or string[]; other values as their text.</summary>
    public object ToOption() => this switch
    {
        Boolean b => b.Value,
        Integer i => i.Value,
        Decimal d => d.Value,
        Text t => t.Value,
        Word w => w.Value,
        Duration d => d.Value,
        List l => l.Items.Select(item => item is Text t ? t.Value : item.ToString()).ToArray(),
        var other => other.ToString(),
    };

    public sealed record Integer(long Value) : ConfigValue { public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture); }
    public sealed record Decimal(double Value) : ConfigValue { public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture); }
    public sealed record Boolean(bool Value) : ConfigValue { public override string ToString() => Value ? "true" : "false"; }
    public sealed record Text(string Value) : ConfigValue { public override string ToString() => "\"" + Value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""; }
    /// <summary>A bare word, used for enumerated values (<c>bf16</c>, <c>poisson</c>).</summary>
    public sealed record Word(string Value) : ConfigValue { public override string ToString() => Value; }
    public sealed record Duration(TimeSpan Value) : ConfigValue { public override string ToString() => DurationText.Format(Value); }
    public sealed record List(IReadOnlyList<ConfigValue> Items) : ConfigValue
    {
        public override string ToString() => "[" + string.Join(", ", Items) + "]";
        public bool Equals(List? other) => other is not null && Items.SequenceEqual(other.Items);
        public override int GetHashCode() => Items.Aggregate(17, (h, v) => h * 31 + v.GetHashCode());
    }
    /// <summary>A call with positional and named arguments: <c>synthetic("tiny")</c>, <c>synthetic(count = 64, input_tokens = 256)</c>.</summary>
    public sealed record Call(string Name, IReadOnlyList<ConfigValue> Positional, IReadOnlyList<KeyValuePair<string, ConfigValue>> Named) : ConfigValue
    {
        public override string ToString() =>
            Name + "(" + string.Join(", ", Positional.Select(p => p.ToString()).Concat(Named.Select(n => n.Key + " = " + n.Value))) + ")";
        public bool Equals(Call? other) => other is not null && Name == other.Name && Positional.SequenceEqual(other.Positional) && Named.SequenceEqual(other.Named);
        public override int GetHashCode() => HashCode.Combine(Name, Positional.Count, Named.Count);
        public ConfigValue? Argument(string name) => Named.FirstOrDefault(n => n.Key == name).Value;
    }
}
