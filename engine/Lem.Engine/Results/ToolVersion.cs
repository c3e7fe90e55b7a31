using System.Reflection;

namespace Lem.Engine.Results;

/// <summary>The version of the engine that writes a record (its informational version, without build metadata).</summary>
public static class ToolVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var assembly = typeof(ToolVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = version.IndexOf('+');
        return plus < 0 ? version : version[..plus];
    }
}
