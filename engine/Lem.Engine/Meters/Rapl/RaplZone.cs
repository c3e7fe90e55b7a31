namespace Lem.Engine.Meters.Rapl;

/// <summary>
/// One RAPL domain: <c>package-0</c>, its subzones <c>core</c>, <c>uncore</c>, <c>dram</c>, or <c>psys</c>.
/// <see cref="Parent"/> is the package's name for a subzone.
/// </summary>
public sealed record RaplZone(string Folder, string Name, string? Parent, ulong MaxEnergyRangeUj)
{
    public string EnergyFile => Path.Combine(Folder, "energy_uj");

    public bool IsPackage => Parent is null && Name.StartsWith("package-", StringComparison.Ordinal);
    public bool IsDram => Name == "dram";
    public bool IsPsys => Parent is null && Name == "psys";

    /// <summary>Component name in results: <c>cpu:package-0</c>, <c>ram:package-0/dram</c>, <c>cpu:package-0/core</c>, <c>platform:psys</c>.</summary>
    public string Component => IsDram ? "ram:" + (Parent is null ? Name : Parent + "/dram")
        : IsPsys ? "platform:psys"
        : "cpu:" + (Parent is null ? Name : Parent + "/" + Name);

    /// <summary>Metric-safe name: <c>package0</c>, <c>package0_core</c>.</summary>
    public string MetricName => (Parent is null ? Name : Parent + "_" + Name).Replace("-", "", StringComparison.Ordinal).Replace("/", "_", StringComparison.Ordinal);
}
