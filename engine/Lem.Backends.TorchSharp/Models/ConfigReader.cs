using System.Text.Json;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Typed access to the keys of one JSON object; every failure names the file and the key.</summary>
internal sealed class ConfigReader(JsonElement root, string filePath)
{
    public string FilePath => filePath;

    public bool Has(string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement? Element(string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public int RequiredInt(string key) =>
        Element(key) is { } v ? ToInt(v, key) : throw Missing(key, "an integer");

    public int Int(string key, int fallback) => Element(key) is { } v ? ToInt(v, key) : fallback;

    public int? OptionalInt(string key) => Element(key) is { } v ? ToInt(v, key) : null;

    public double Double(string key, double fallback) => Element(key) is { } v ? ToDouble(v, key) : fallback;

    public bool Bool(string key, bool fallback)
    {
        if (Element(key) is not { } v) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(key, "true or false", v),
        };
    }

    public string? String(string key)
    {
        if (Element(key) is not { } v) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(key, "a string", v);
    }

    public string RequiredString(string key) => String(key) ?? throw Missing(key, "a string");

    /// <summary>An integer or a list of integers (as eos_token_id may be).</summary>
    public int[] IntOrIntList(string key)
    {
        if (Element(key) is not { } v) return [];
        if (v.ValueKind == JsonValueKind.Array)
            return v.EnumerateArray().Select(e => ToInt(e, key)).ToArray();
        return [ToInt(v, key)];
    }

    public ConfigReader? Object(string key)
    {
        if (Element(key) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Object ? new ConfigReader(v, filePath) : throw Wrong(key, "an object", v);
    }

    public string? FirstOfArray(string key)
    {
        if (Element(key) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(key, "a list of strings", v);
        foreach (var e in v.EnumerateArray())
            return e.ValueKind == JsonValueKind.String ? e.GetString() : throw Wrong(key, "a list of strings", v);
        return null;
    }

    public InferenceException Invalid(string key, string problem) =>
        new($"{filePath}: key \"{key}\" {problem}.");

    private int ToInt(JsonElement v, string key)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            return (int)d;
        throw Wrong(key, "an integer", v);
    }

    private double ToDouble(JsonElement v, string key) =>
        v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Wrong(key, "a number", v);

    private InferenceException Missing(string key, string what) =>
        new($"{filePath}: key \"{key}\" is missing; it must be {what} (compare with the model's config.json on the Hugging Face Hub).");

    private InferenceException Wrong(string key, string what, JsonElement v) =>
        new($"{filePath}: key \"{key}\" must be {what}, found {v.GetRawText()}.");
}
