namespace Lem.Engine.Inference;

/// <summary>
/// How one key of a backend's section in the original LLenergyMeasure YAML format (the section named by one of the module's
/// <see cref="IBackendModule.OriginalNames"/>) reads here. A module lists the keys that are its own business (an attention implementation, an engine
/// flag the registry has no parameter for); the YAML reader reads the rest through the core table (batch size,
/// quantization) or, where the module's section has a parameter of the same name, as that parameter.
/// Values are compared as written in the YAML, case-insensitively (<c>false</c>, <c>sdpa</c>, <c>{}</c> for an empty
/// mapping, <c>[]</c> for an empty list).
/// </summary>
/// <param name="Key">The key inside the section, dotted where the original nested it (<c>engine.some_flag</c>).</param>
public sealed record OriginalKey(string Key)
{
    /// <summary>The parameter the value sets (converted as the parameter's kind says); null where it has none here.</summary>
    public string? Parameter { get; init; }

    /// <summary>Values named differently here: the original's value and the value of <see cref="Parameter"/> it becomes. Where given, only these values (and <see cref="Inert"/>) map.</summary>
    public IReadOnlyDictionary<string, string>? Values { get; init; }

    /// <summary>Values that change nothing here (the original's default, or what lem always does), accepted with a note saying <see cref="Why"/>.</summary>
    public IReadOnlyList<string> Inert { get; init; } = [];

    /// <summary>Why the inert values change nothing.</summary>
    public string? Why { get; init; }

    /// <summary>An engine flag the value becomes where the registry has no parameter for it: appended to the list parameter <see cref="AppendTo"/> as <c>FLAG VALUE</c> (or the flag alone, for <see cref="FlagIsSwitch"/>).</summary>
    public string? Flag { get; init; }

    /// <summary>The flag takes no value: <c>true</c> appends it, <c>false</c> changes nothing.</summary>
    public bool FlagIsSwitch { get; init; }

    /// <summary>The list parameter <see cref="Flag"/> is appended to (a server's extra arguments).</summary>
    public string? AppendTo { get; init; }

    /// <summary>Why a value that neither maps nor is inert cannot be honoured here (the remedy included).</summary>
    public string? Refusal { get; init; }

    /// <summary>
    /// The original tool's default for the key before its v2 schema (2026-02-27), as written in YAML: applied to a v1
    /// config that chose this backend and left the key out (origin "original default"). Null where the original left
    /// the choice to the engine.
    /// </summary>
    public string? OriginalDefault { get; init; }
}
