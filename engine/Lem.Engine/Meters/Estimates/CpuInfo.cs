namespace Lem.Engine.Meters.Estimates;

/// <summary>What /proc/cpuinfo says: model name, sockets (distinct physical ids), logical CPUs.</summary>
public sealed record CpuInfo(string ModelName, int Sockets, int LogicalCpus)
{
    public static CpuInfo Parse(string cpuinfo)
    {
        string? model = null;
        var physicalIds = new HashSet<string>();
        var logical = 0;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor": logical++; break;
                case "model name": model ??= value; break;
                case "physical id": physicalIds.Add(value); break;
            }
        }
        return new CpuInfo(model ?? "unknown", Math.Max(1, physicalIds.Count), Math.Max(1, logical));
    }

    public static CpuInfo Read(string procRoot = "/proc")
    {
        var path = Path.Combine(procRoot, "cpuinfo");
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : new CpuInfo("unknown", 1, Environment.ProcessorCount);
    }
}
