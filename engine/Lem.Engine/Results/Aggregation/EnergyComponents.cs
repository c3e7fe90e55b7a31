using Lem.Engine.Meters;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>Groups energy components into the categories of the canonical metrics and sums them honestly.</summary>
public static class EnergyComponents
{
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";
    public const string Ram = "ram";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> Categories = [Gpu, Cpu, Ram, Other];

    /// <summary><c>gpu:0</c> → gpu, <c>cpu:package-0</c> → cpu, <c>ram</c> and <c>dram:0</c> → ram, anything else → other.</summary>
    public static string Category(string component)
    {
        var head = component.Split(':', 2)[0].Trim().ToLowerInvariant();
        if (head.StartsWith("gpu", StringComparison.Ordinal)) return Gpu;
        if (head.StartsWith("cpu", StringComparison.Ordinal)) return Cpu;
        if (head.StartsWith("ram", StringComparison.Ordinal) || head.StartsWith("dram", StringComparison.Ordinal)) return Ram;
        return Other;
    }

    /// <summary>
    /// Sum of the given figures with the weakest source among them. The sum is null (unavailable) when there is no
    /// figure or when any figure is unavailable: a partial sum would understate the energy without saying so.
    /// </summary>
    public static (double? EnergyJ, EnergySource Source) Sum(IEnumerable<EnergyRecord> figures)
    {
        var list = figures.ToList();
        if (list.Count == 0 || list.Any(f => f.EnergyJ is null || f.Source == EnergySource.Unavailable))
            return (null, EnergySource.Unavailable);
        return (list.Sum(f => f.EnergyJ!.Value), EnergySourceText.Weakest(list.Select(f => f.Source)));
    }

    public static IEnumerable<EnergyRecord> InCategory(IEnumerable<EnergyRecord> figures, string category) =>
        figures.Where(f => Category(f.Component) == category);
}
