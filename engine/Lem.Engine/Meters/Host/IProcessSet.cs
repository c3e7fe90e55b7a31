namespace Lem.Engine.Meters.Host;

/// <summary>
/// The processes whose share of the machine host energy is attributed to: the lem process itself
/// (<see cref="CurrentProcess"/>), or a launched server and its children (<see cref="ProcessTree"/>), which a server
/// backend supplies. Members are asked for at the window's edges and now and then during it, so children that start
/// during the window are found.
/// </summary>
public interface IProcessSet
{
    /// <summary>In words, for records: <c>lem process 1234</c>, <c>process tree of 4567 (vllm)</c>.</summary>
    string Description { get; }

    /// <summary>True when membership can change during a window (a tree), so it is looked up again while sampling.</summary>
    bool Changes { get; }

    /// <summary>The members' pids now.</summary>
    IReadOnlyList<int> Members(ProcFolder proc);

    /// <summary>
    /// A cumulative counter of the set's CPU time in ticks, where the set keeps one itself (a command lem starts and
    /// waits for: <see cref="ChildCommandProcesses"/>); the meter then takes its change over the window instead of
    /// summing its members' utime + stime. Null (the default): the meter sums the members.
    /// </summary>
    ulong? CumulativeTicks(ProcFolder proc) => null;
}
