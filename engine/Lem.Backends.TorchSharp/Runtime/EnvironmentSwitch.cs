using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>
/// A two-way switch read once from an environment variable, for same-call A/B benchmarks of decode paths: unset or
/// empty means the default value (<c>off</c>, the first one named); any other value than the two named is an error
/// that names both.
/// </summary>
internal static class EnvironmentSwitch
{
    /// <returns>Whether the variable holds <paramref name="on"/>.</returns>
    public static Lazy<bool> Read(string variable, string off, string on) => new(() =>
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text) || text == off) return false;
        if (text == on) return true;
        throw new InferenceException($"{variable} is \"{text}\"; it must be {off} (the default) or {on}.");
    });
}
