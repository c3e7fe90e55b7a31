namespace Lem.Engine.Config;

/// <summary>
/// The shape of a call value: its name and arguments. <see cref="Positional"/> arguments may be written in order
/// or by name (<c>file("x.jsonl")</c> or <c>file(path = "x.jsonl")</c>); <see cref="Named"/> ones only by name.
/// </summary>
public sealed record CallSignature(string Name, string Help, IReadOnlyList<CallArgument> Positional, IReadOnlyList<CallArgument> Named)
{
    public IEnumerable<CallArgument> Arguments => Positional.Concat(Named);

    public CallArgument? Argument(string name) => Arguments.FirstOrDefault(a => a.Name == name);

    /// <summary><c>file(path, format = .., column = ..)</c>: the signature as users write it.</summary>
    public string Synopsis =>
        Name + "(" + string.Join(", ", Positional.Select(a => a.Name).Concat(Named.Select(a => a.Name + " = ..."))) + ")";

    /// <summary>
    /// The arguments of a call by name: positional ones named, omitted ones filled from their defaults.
    /// Assumes the call was validated (extra positional arguments and unknown names are dropped).
    /// </summary>
    public IReadOnlyDictionary<string, ConfigValue> Bind(ConfigValue.Call call)
    {
        var bound = new Dictionary<string, ConfigValue>();
        for (var i = 0; i < call.Positional.Count && i < Positional.Count; i++) bound[Positional[i].Name] = call.Positional[i];
        foreach (var (name, value) in call.Named)
            if (Argument(name) is not null) bound[name] = value;
        foreach (var argument in Arguments)
            if (!bound.ContainsKey(argument.Name) && argument.Default is not null) bound[argument.Name] = argument.Default;
        return bound;
    }
}
