using System.Text.Json;
using Lem.Engine.Running;
using Lem.Engine.Running.Locking;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>
/// The results folder's lock and the per-run claims: OS locks (flock), so a second holder is refused with who holds it,
/// and a lock file left by a dead process never blocks. Two opens in one process conflict like two processes do.
/// </summary>
public class RunLocksTests
{
    private static LockHolder Me(string command = "lem run camp.lem") => LockHolder.Current(command);

    [Fact]
    public void A_second_run_on_a_held_results_folder_is_refused_naming_the_holder_and_the_remedy()
    {
        using var temp = new TempFolder();
        using (RunLocks.HoldResults(temp.Path, Me()))
        {
            var error = Assert.Throws<RunnerException>(() => RunLocks.HoldResults(temp.Path, Me("lem run other.lem")));
            Assert.Contains($"results folder {temp.Path} is in use by another lem run: pid {Environment.ProcessId} on {Environment.MachineName} since ", error.Message);
            Assert.Contains("(lem run camp.lem)", error.Message);
            Assert.Contains("Remedy: wait for it to end", error.Message);
            Assert.Contains("--results DIR", error.Message);
            Assert.Contains("--only KEY", error.Message);
            Assert.DoesNotContain("being used by another process", error.Message);
        }
        // released: the next run takes it
        using var next = RunLocks.HoldResults(temp.Path, Me("lem run other.lem"));
        Assert.Equal("lem run other.lem", FileLock.ReadHolder(RunLocks.ResultsLockPath(temp.Path))!.Command);
    }

    [Fact]
    public void A_lock_file_left_by_a_dead_process_does_not_block()
    {
        using var temp = new TempFolder();
        var path = RunLocks.ResultsLockPath(temp.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        var dead = new LockHolder(DeadProcess.Id(), "gone-host", DateTimeOffset.UtcNow.AddDays(-1), "lem run old.lem");
        File.WriteAllText(path + ".holder", JsonSerializer.Serialize(dead, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        Assert.Equal("gone-host", FileLock.ReadHolder(path)!.Host);

        using var held = RunLocks.HoldResults(temp.Path, Me());
        Assert.Equal(Environment.ProcessId, FileLock.ReadHolder(path)!.Pid);
    }

    [Fact]
    public void A_planned_run_is_claimed_once_and_the_claim_says_who_holds_it()
    {
        using var temp = new TempFolder();
        var task = Me("lem run camp.lem --only b[batching.batch_size=2]#cycle1");
        using (var claim = RunLocks.TryClaim(temp.Path, "b[batching.batch_size=2]#cycle1", task))
        {
            Assert.NotNull(claim);
            Assert.Null(RunLocks.TryClaim(temp.Path, "b[batching.batch_size=2]#cycle1", Me()));
            Assert.Equal(task.Command, RunLocks.ClaimHolder(temp.Path, "b[batching.batch_size=2]#cycle1")!.Command);
            // another run's claim is its own
            using var other = RunLocks.TryClaim(temp.Path, "b[batching.batch_size=4]#cycle1", Me());
            Assert.NotNull(other);
        }
        using var again = RunLocks.TryClaim(temp.Path, "b[batching.batch_size=2]#cycle1", Me());
        Assert.NotNull(again);
        Assert.Equal("b_batching.batch_size_2_cycle1-", Path.GetFileName(RunLocks.ClaimPath(temp.Path, "b[batching.batch_size=2]#cycle1"))[..31]);
    }
}
