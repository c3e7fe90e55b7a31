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

    /// <summary>Trust order: measured-counter (0) &gt; measured-samples (1) &gt; estimated (2) &gt; unavailable (3).</summary>
    public static int Rank(EnergySource source) => source switch
    {
        EnergySource.MeasuredCounter => 0,
        EnergySource.MeasuredSamples => 1,
        EnergySource.Estimated => 2,
        _ => 3,
    };

    /// <summary>The least trusted of several sources: a sum is only as good as its weakest part. No source: unavailable.</summary>
    public static EnergySource Weakest(IEnumerable<EnergySource> sources) =>
        sources.DefaultIfEmpty(EnergySource.Unavailable).MaxBy(Rank);
}
