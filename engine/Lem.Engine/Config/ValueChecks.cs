using System.Globalization;
using System.Text.RegularExpressions;

namespace Lem.Engine.Config;

using Site = Findings.Site;

/// <summary>Checks of one value against its definition: type, range, allowed words, call shape, text shape.</summary>
internal static partial class ValueChecks
{
    public static void Check(ParameterDefinition definition, ResolvedValue value, Findings findings)
    {
        var site = findings.At(definition.Name, value.From);
        switch (definition.Kind)
        {
            case ParameterKind.Model:
                CheckModel(site, value.Value);
                break;
            case ParameterKind.Prompts:
                if (value.Value is ConfigValue.Call call) CheckCall(site, call, CallCatalogue.PromptCalls);
                else WrongType(site, definition.Name, definition.Kind, [], value.Value);
                break;
            case ParameterKind.TextList:
                CheckTextList(site, definition, value.Value);
                break;
            default:
                if (CheckScalar(site, definition.Name, definition.Kind, definition.AllowedValuesOrEmpty, definition.Min, definition.Max, definition.Unit, value.Value)
                    && value.Value is ConfigValue.Text text)
                    CheckTextShape(site, definition.Name, text.Value);
                break;
        }
    }

    /// <summary>Type, range and allowed words of a plain value. Returns whether it passed.</summary>
    private static bool CheckScalar(Site site, string subject, ParameterKind kind, IReadOnlyList<string> allowed, double? min, double? max, string? unit, ConfigValue value)
    {
        switch (kind, value)
        {
            case (ParameterKind.Integer, ConfigValue.Integer i):
                return InRange(site, subject, kind, min, max, unit, i.Value, i.ToString());
            case (ParameterKind.Decimal, ConfigValue.Integer i):
                return InRange(site, subject, kind, min, max, unit, i.Value, i.ToString());
            case (ParameterKind.Decimal, ConfigValue.Decimal d):
                return InRange(site, subject, kind, min, max, unit, d.Value, d.ToString());
            case (ParameterKind.Duration, ConfigValue.Duration d):
                return InRange(site, subject, kind, min, max, unit, d.Value.TotalSeconds, d.ToString());
            case (ParameterKind.Boolean, ConfigValue.Boolean):
            case (ParameterKind.Text, ConfigValue.Text):
                return true;
            case (ParameterKind.Choice, ConfigValue.Word w):
                return IsAllowed(site, subject, allowed, w.Value);
            case (ParameterKind.Choice, ConfigValue.Text t):
                return IsAllowed(site, subject, allowed, t.Value);
            default:
                WrongType(site, subject, kind, allowed, value);
                return false;
        }
    }

    private static void WrongType(Site site, string subject, ParameterKind kind, IReadOnlyList<string> allowed, ConfigValue value) =>
        site.Error(DiagnosticCodes.WrongType, $"{subject} expects {ValueText.Expected(kind, allowed)}, not {ValueText.Describe(value)}{TypeHint(kind, value)}.");

    private static string TypeHint(ParameterKind kind, ConfigValue value) => (kind, value) switch
    {
        (ParameterKind.Text or ParameterKind.Model, ConfigValue.Word w) => $"; put it in double quotes: \"{w.Value}\"",
        (ParameterKind.Integer, ConfigValue.Text t) when long.TryParse(t.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "; remove the quotes",
        (ParameterKind.Decimal, ConfigValue.Text t) when double.TryParse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => "; remove the quotes",
        (ParameterKind.Integer, ConfigValue.Decimal) => "; use a whole number",
        (ParameterKind.Duration, ConfigValue.Integer or ConfigValue.Decimal) => $"; add a unit, for example {value}s",
        (ParameterKind.Duration, ConfigValue.Text t) when DurationText.TryParse(t.Value, out _) => "; remove the quotes",
        (ParameterKind.Boolean, ConfigValue.Text or ConfigValue.Word) => "; write true or false without quotes",
        (ParameterKind.Prompts, ConfigValue.Text t) => $"; to read prompts from a file write file({t})",
        (ParameterKind.TextList, ConfigValue.Text t) => $"; write a list: [{t}]",
        _ => "",
    };

    private static bool InRange(Site site, string subject, ParameterKind kind, double? min, double? max, string? unit, double number, string written)
    {
        if (double.IsFinite(number) && (min is null || number >= min) && (max is null || number <= max)) return true;
        var range = ValueText.Range(kind, min, max, unit) ?? "a finite number";
        site.Error(DiagnosticCodes.OutOfRange, $"{subject} = {written} is out of range: it must be {range}.");
        return false;
    }

    private static bool IsAllowed(Site site, string subject, IReadOnlyList<string> allowed, string word)
    {
        if (allowed.Contains(word)) return true;
        var suggestion = NameSuggester.Closest(word, allowed);
        var hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
        site.Error(DiagnosticCodes.NotAllowed, $"{subject} = {word} is not allowed: choose one of {string.Join(", ", allowed)}{hint}");
        return false;
    }

    private static void CheckModel(Site site, ConfigValue value)
    {
        switch (value)
        {
            case ConfigValue.Text path when string.IsNullOrWhiteSpace(path.Value):
                site.Error(DiagnosticCodes.MalformedText, $"{site.Parameter} is an empty path: write the path of a Hugging Face model folder, or synthetic(\"PRESET\").");
                break;
            case ConfigValue.Text:
                break;
            case ConfigValue.Call call:
                CheckCall(site, call, CallCatalogue.ModelCalls);
                break;
            default:
                WrongType(site, site.Parameter, ParameterKind.Model, [], value);
                break;
        }
    }

    /// <summary>The call's name, its arguments (names, types, ranges), required arguments, and rules between arguments.</summary>
    public static void CheckCall(Site site, ConfigValue.Call call, IReadOnlyList<CallSignature> signatures)
    {
        var parameter = site.Parameter;
        var signature = signatures.FirstOrDefault(s => s.Name == call.Name);
        if (signature is null)
        {
            var suggestion = NameSuggester.Closest(call.Name, signatures.Select(s => s.Name));
            var hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
            site.Error(DiagnosticCodes.NotAllowed, $"{parameter} = {call.Name}(...) is not allowed: use {string.Join(" or ", signatures.Select(s => s.Synopsis))}{hint}");
            return;
        }

        var given = new HashSet<string>();
        for (var i = 0; i < call.Positional.Count; i++)
        {
            if (i >= signature.Positional.Count)
            {
                var takes = signature.Positional.Count == 0
                    ? "takes no positional arguments"
                    : $"takes {signature.Positional.Count} positional argument{(signature.Positional.Count == 1 ? "" : "s")} ({string.Join(", ", signature.Positional.Select(a => a.Name))})";
                site.Error(DiagnosticCodes.MalformedCall, $"{parameter}: {signature.Name}() {takes}; write the others by name: {signature.Synopsis}.");
                break;
            }
            var argument = signature.Positional[i];
            given.Add(argument.Name);
            CheckArgument(site, signature, argument, call.Positional[i]);
        }

        foreach (var (name, value) in call.Named)
        {
            var argument = signature.Argument(name);
            if (argument is null)
            {
                var names = signature.Arguments.Select(a => a.Name).ToList();
                var suggestion = NameSuggester.Closest(name, names);
                var hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
                site.Error(DiagnosticCodes.UnknownName, $"{parameter}: {signature.Name}() has no argument '{name}'{hint} Its arguments: {string.Join(", ", names)}.");
                continue;
            }
            if (!given.Add(name))
            {
                site.Error(DiagnosticCodes.MalformedCall, $"{parameter}: {signature.Name}() argument '{name}' is given twice.");
                continue;
            }
            CheckArgument(site, signature, argument, value);
        }

        foreach (var missing in signature.Arguments.Where(a => a.Required && !given.Contains(a.Name)))
            site.Error(DiagnosticCodes.MalformedCall, $"{parameter}: {signature.Name}() needs its '{missing.Name}' argument ({char.ToLowerInvariant(missing.Help[0])}{missing.Help[1..].TrimEnd('.')}): {signature.Synopsis}.");

        if (signature == CallCatalogue.SyntheticPrompts)
        {
            var bound = signature.Bind(call);
            if (bound.GetValueOrDefault("min_input_tokens") is ConfigValue.Integer shortest && bound.GetValueOrDefault("input_tokens") is ConfigValue.Integer longest
                && shortest.Value > longest.Value)
                site.Error(DiagnosticCodes.CrossField,
                    $"{parameter}: synthetic() min_input_tokens ({shortest}) is greater than input_tokens ({longest}): input_tokens is the longest prompt, min_input_tokens the shortest.");
        }
    }

    private static void CheckArgument(Site site, CallSignature signature, CallArgument argument, ConfigValue value)
    {
        var subject = $"{site.Parameter}: {signature.Name}() argument '{argument.Name}'";
        if (CheckScalar(site, subject, argument.Kind, argument.AllowedValuesOrEmpty, argument.Min, argument.Max, argument.Unit, value)
            && value is ConfigValue.Text text && string.IsNullOrWhiteSpace(text.Value))
            site.Error(DiagnosticCodes.MalformedText, $"{subject} is empty.");
    }

    private static void CheckTextList(Site site, ParameterDefinition definition, ConfigValue value)
    {
        if (value is not ConfigValue.List list || list.Items.Any(item => item is not ConfigValue.Text))
        {
            WrongType(site, definition.Name, definition.Kind, [], value);
            return;
        }
        foreach (var item in list.Items.Cast<ConfigValue.Text>()) CheckTextShape(site, definition.Name, item.Value);
    }

    /// <summary>Texts with a required shape: devices, carbon regions, paths that must not be empty.</summary>
    private static void CheckTextShape(Site site, string name, string text)
    {
        switch (name)
        {
            case "measurement.gpus" when DeviceSpec.TryParse(text, out var metered) && !metered.IsCuda:
                site.Error(DiagnosticCodes.MalformedText, $"measurement.gpus: \"{text}\" is not a GPU: list \"cuda:N\" devices, or write [] to meter none.");
                break;
            case "device" or "parallel.devices" or "measurement.gpus":
                if (!DeviceSpec.TryParse(text, out _))
                {
                    var guess = GuessDevice(text);
                    var hint = guess is null ? ", for example \"cuda:0\"" : $"; did you mean \"{guess}\"?";
                    site.Error(DiagnosticCodes.MalformedText, $"{name}: \"{text}\" is not a device: write \"cpu\" or \"cuda:N\"{hint}");
                }
                break;
            case "carbon.region":
                if (!RegionPattern().IsMatch(text))
                    site.Error(DiagnosticCodes.MalformedText, $"carbon.region = \"{text}\" is not a region code: write an ISO 3166 alpha-2 country code such as \"FR\" (a subdivision such as \"US-CA\" is looked up only through the live API).");
                break;
            // a folder or file path of any section (results.dir, a backend's *_path)
            case var path when path.EndsWith(".dir", StringComparison.Ordinal) || path.EndsWith("_path", StringComparison.Ordinal):
                if (string.IsNullOrWhiteSpace(text))
                    site.Error(DiagnosticCodes.MalformedText, $"{name} is an empty path: write a folder path.");
                break;
        }
    }

    /// <summary>"cuda:0" for "cuda", "gpu0", "CUDA: 1"...; "cpu" for "CPU"; otherwise null.</summary>
    private static string? GuessDevice(string text)
    {
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
        if (compact == "cpu") return "cpu";
        if (!compact.StartsWith("cuda", StringComparison.Ordinal) && !compact.StartsWith("gpu", StringComparison.Ordinal)) return null;
        var digits = new string(compact.Where(char.IsAsciiDigit).ToArray());
        return "cuda:" + (digits.Length == 0 ? "0" : int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "0");
    }

    [GeneratedRegex("^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$")]
    private static partial Regex RegionPattern();
}
