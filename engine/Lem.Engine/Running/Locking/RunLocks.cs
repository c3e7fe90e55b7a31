using System.Security.Cryptography;
using System.Text;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Running.Locking;

/// <summary>
/// The locks of a results folder, under <c>RESULTS/.lem/</c>: <c>run.lock</c>, held by a <c>lem run</c> for its whole
/// life, so that one campaign runner at a time writes a results folder; and one claim per planned run,
/// <c>claims/KEY-HASH.lock</c>, held while the run is measured and recorded, so that processes sharing a folder (a full
/// <c>lem run</c> and <c>lem run --only KEY</c> tasks of a scheduler) never run the same planned run at the same time.
/// Both are <see cref="FileLock"/>s: the OS releases them when their process dies.
/// </summary>
public static class RunLocks
{
    public const string FolderName = ".lem";

    public static string ResultsLockPath(string resultsRoot) => Path.Combine(resultsRoot, FolderName, "run.lock");

    /// <summary><c>RESULTS/.lem/claims/a_cycle1-1f2e3d4c.lock</c>: the key made safe, and 8 hex digits of its hash so that keys that read alike stay apart.</summary>
    public static string ClaimPath(string resultsRoot, string key) => Path.Combine(resultsRoot, FolderName, "claims", SafeName(key) + ".lock");

    /// <summary>A file name for a run key: its safe characters and a short hash of the whole key.</summary>
    public static string SafeName(string key) =>
        RunIds.Sanitise(key) + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];

    /// <summary>Takes the results folder's lock for this process's whole run.</summary>
    /// <exception cref="RunnerException">Another lem run holds it: the message names it and says what to do.</exception>
    public static FileLock HoldResults(string resultsRoot, LockHolder me)
    {
        var path = ResultsLockPath(resultsRoot);
        return FileLock.TryTake(path, me)
            ?? throw new RunnerException(
                $"results folder {resultsRoot} is in use by another lem run: {Describe(FileLock.ReadHolder(path))}. One lem run at a time writes a results folder. " +
                "Remedy: wait for it to end (or stop it: its completed runs are kept, and rerunning the same command resumes), or give this run another folder with --results DIR; " +
                "parallel tasks of one campaign share a folder through lem run FILE --only KEY.");
    }

    /// <summary>Claims one planned run; null when another process holds the claim (<see cref="ClaimHolder"/> says who).</summary>
    public static FileLock? TryClaim(string resultsRoot, string key, LockHolder me) => FileLock.TryTake(ClaimPath(resultsRoot, key), me);

    public static LockHolder? ClaimHolder(string resultsRoot, string key) => FileLock.ReadHolder(ClaimPath(resultsRoot, key));

    /// <summary>The holder in words, or what is known when it has not written its name yet.</summary>
    public static string Describe(LockHolder? holder) => holder?.Describe() ?? "another process (it has not written who it is yet)";
}
