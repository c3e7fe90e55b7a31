using Lem.Engine.Meters;

namespace Lem.Engine.Results.Schema;

/// <summary>The written form of <see cref="EnergySource"/> (as in records, CSV and tables) and the order of trust.</summary>
public static class EnergySourceText
{
    public static string Of(EnergySource source) => source switch
    {
        EnergySource.MeasuredCounter => "measured-counter",
        EnergySource.MeasuredSamples => "measured-samples",
        EnergySource.Estimated => "estimated",
        _ => "unavailable",
    };

    /// <summary>The least trusted of several sources: a sum is only as good as its weakest part.</summary>
    public static EnergySource Weakest(IEnumerable<EnergySource> sources) =>
        sources.Select(s => (EnergySource?)s).Max() ?? EnergySource.Unavailable;
}
