using System.Globalization;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// A command lem starts inside a window and waits for (<c>lem measure</c>): its process tree for the resident set,
/// and for CPU time the children's ticks of lem's own /proc/self/stat (cutime + cstime), which the kernel adds when lem
/// has waited for the command after it exited — the command's whole CPU time with every descendant it waited for, even
/// those that exited between two looks at the tree. The window closes after the command has exited and been waited
/// for, so the counter's change over the window is exact; the tree is not known before <see cref="Started"/>.
/// </summary>
/// <param name="name">The command in words, for records.</param>
/// <param name="parentPid">The process that waits for the command: lem (tests give a fake /proc's pid).</param>
public sealed class ChildCommandProcesses(string name, int? parentPid = null) : IProcessSet
{
    private readonly int _parentPid = parentPid ?? Environment.ProcessId;
    private volatile ProcessTree? _tree;

    /// <summary>The command's pid, once it runs.</summary>
    public int? Pid => _tree?.RootPid;

    public string Description => _tree is { } tree
        ? $"command {name} (process tree of {tree.RootPid.ToString(CultureInfo.InvariantCulture)})"
        : $"command {name}";

    public bool Changes => true;

    /// <summary>The command has started as <paramref name="pid"/>.</summary>
    public void Started(int pid) => _tree = new ProcessTree(pid, name);

    public IReadOnlyList<int> Members(ProcFolder proc) => _tree?.Members(proc) ?? [];

    public ulong? CumulativeTicks(ProcFolder proc) => proc.ReadWaitedChildrenTicks(_parentPid);
}
