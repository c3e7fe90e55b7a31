using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lem.Engine;

/// <summary>
/// Temporary files and folders that lem writes beside their final name and renames into place (atomic result files,
/// exports, synthetic models and converted models in the cache). Their names say who made them:
/// <c>NAME.tmp-PID-HOST-RANDOM</c>, HOST being 8 hex digits of the host name's hash. While one is being written it is
/// tracked, so that it is removed on the way out — by its writer's <c>finally</c>, and by the process-exit handler when
/// lem is stopped at once (a second Ctrl-C, SIGTERM's grace ran out). What a killed process left behind is swept on a
/// later start (<see cref="Sweep"/>): a temporary of this host whose process has ended. Temporaries of other hosts (a
/// results folder or cache shared over the network) and of live processes are never touched.
/// </summary>
public static partial class TemporaryFiles
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);

    static TemporaryFiles()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAll();
    }

    /// <summary>8 hex digits of this host's name: part of every temporary's name, so a sweep knows whose pids they are.</summary>
    public static string HostTag { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName)))[..8];

    /// <summary>The path of a temporary for <paramref name="finalPath"/> in the same folder (so the rename is atomic):
    /// <c>.NAME.tmp-PID-HOST-RANDOM</c> (hidden) or <c>NAME.tmp-PID-HOST-RANDOM</c>.</summary>
    public static string PathBeside(string finalPath, bool hidden = true)
    {
        var full = Path.GetFullPath(finalPath.TrimEnd(Path.DirectorySeparatorChar));
        var name = Path.GetFileName(full);
        var suffix = string.Create(CultureInfo.InvariantCulture, $".tmp-{Environment.ProcessId}-{HostTag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        return Path.Combine(Path.GetDirectoryName(full)!, (hidden ? "." : "") + name + suffix);
    }

    /// <summary>Tracks a temporary while it is written; disposing removes it (if it was not renamed away) and stops tracking.</summary>
    public static Tracked Track(string temporaryPath)
    {
        Live.TryAdd(temporaryPath, 0);
        return new Tracked(temporaryPath);
    }

    /// <summary>The temporaries being written now (for tests and the exit handler).</summary>
    public static IReadOnlyCollection<string> Tracking => Live.Keys.ToList();

    /// <summary>Removes every tracked temporary: what lem does on the way out.</summary>
    public static void RemoveAll()
    {
        foreach (var path in Live.Keys)
        {
            Delete(path);
            Live.TryRemove(path, out _);
        }
    }

    /// <summary>
    /// Removes the temporaries under <paramref name="folder"/> (and its sub-folders down to <paramref name="depth"/>
    /// levels) that this host's processes made and that no live process writes: left by a process that was killed.
    /// Returns how many were removed. A folder that cannot be read is skipped.
    /// </summary>
    public static int Sweep(string folder, int depth = 1)
    {
        if (!Directory.Exists(folder)) return 0;
        var removed = 0;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(folder).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            if (Owner(name) is { } owner)
            {
                if (owner.Host == HostTag && !IsAlive(owner.Pid) && Delete(entry)) removed++;
            }
            else if (depth > 1 && Directory.Exists(entry) && !IsSymbolicLink(entry))
            {
                removed += Sweep(entry, depth - 1);
            }
        }
        return removed;
    }

    /// <summary>The process and host that made a temporary of this naming, or null for any other name.</summary>
    public static (int Pid, string Host)? Owner(string name)
    {
        var match = OwnedName().Match(name);
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? (pid, match.Groups[2].Value)
            : null;
    }

    /// <summary>Whether a process with this id runs on this host now.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsSymbolicLink(string path) => new DirectoryInfo(path).LinkTarget is not null;

    private static bool Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
            else return false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // another try on the next start
        }
    }

    [GeneratedRegex(@"\.tmp-(\d{1,10})-([0-9a-f]{8})-[0-9a-f]+$")]
    private static partial Regex OwnedName();

    /// <summary>A temporary being written: disposing removes whatever is left under its name.</summary>
    public sealed class Tracked(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose()
        {
            Delete(Path);
            Live.TryRemove(Path, out _);
        }
    }
}
