namespace Lem.Engine;

/// <summary>Where lem keeps its caches (synthetic models, idle baselines, compiled native helpers).</summary>
public static class LemPaths
{
    /// <summary>$LEM_CACHE_DIR, else $XDG_CACHE_HOME/lem, else ~/.cache/lem.</summary>
    public static string CacheRoot(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("LEM_CACHE_DIR") is { Length: > 0 } explicitRoot) return Path.GetFullPath(explicitRoot);
        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "lem");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lem");
    }
}
