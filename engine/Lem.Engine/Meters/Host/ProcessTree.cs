using System.Globalization;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// A process and all its descendants (by parent pid), found by scanning /proc: a launched server and the workers it
/// forks. A scan reads every PID/stat, so the meter repeats it at most once a second during a window, not at marks.
/// </summary>
public sealed class ProcessTree(int rootPid, string? name = null) : IProcessSet
{
    public int RootPid { get; } = rootPid;

    public string Description => $"process tree of {RootPid.ToString(CultureInfo.InvariantCulture)}" + (name is null ? "" : $" ({name})");

    public bool Changes => true;

    public IReadOnlyList<int> Members(ProcFolder proc)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in proc.ListPids())
        {
            if (proc.ReadParent(pid) is not { } parent) continue;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(pid);
        }
        var members = new List<int>();
        if (proc.ReadParent(RootPid) is null) return members; // the root has exited
        var pending = new Stack<int>([RootPid]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            members.Add(pid);
            if (children.TryGetValue(pid, out var list)) foreach (var c in list) pending.Push(c);
        }
        members.Sort();
        return members;
    }
}
