using System.Globalization;

namespace Lem.Engine.Meters.Host;

/// <summary>One process: by default the lem process itself (in-process backends).</summary>
public sealed class CurrentProcess(int? pid = null) : IProcessSet
{
    public int Pid { get; } = pid ?? Environment.ProcessId;

    public string Description => $"lem process {Pid.ToString(CultureInfo.InvariantCulture)}";

    public bool Changes => false;

    public IReadOnlyList<int> Members(ProcFolder proc) => [Pid];
}
