namespace Lem.Engine.Tests.Meters.Rapl;

/// <summary>A powercap tree in a temp folder, laid out like /sys/class/powercap.</summary>
public sealed class FakePowercapTree : IDisposable
{
    public FakePowercapTree() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lem-powercap-" + Guid.NewGuid().ToString("N"));

    /// <summary>Adds a zone folder (relative path such as <c>intel-rapl:0</c> or <c>intel-rapl:0/intel-rapl:0:0</c>).</summary>
    public string Zone(string relative, string name, ulong energyUj, ulong maxRangeUj = 262_143_328_850)
    {
        var folder = Path.Combine(Root, relative);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "name"), name + "\n");
        File.WriteAllText(Path.Combine(folder, "max_energy_range_uj"), maxRangeUj + "\n");
        SetEnergy(relative, energyUj);
        return folder;
    }

    /// <summary>Replaces energy_uj atomically (sysfs reads never see a half-written value).</summary>
    public void SetEnergy(string relative, ulong energyUj)
    {
        var path = Path.Combine(Root, relative, "energy_uj");
        File.WriteAllText(path + ".tmp", energyUj + "\n");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
