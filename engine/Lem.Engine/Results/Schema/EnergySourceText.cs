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

    /// <summary>Written after the source of a figure that is the measured processes' share of a machine-wide figure.</summary>
    public const string ProcessShare = " (process share)";

    /// <summary>
    /// The source of one figure as tables, the summary and CSV write it: <c>measured-counter</c>, or
    /// <c>measured-counter (process share)</c> where the figure is a share of the machine's counter (the share is not
    /// what the counter measured).
    /// </summary>
    public static string Of(EnergyRecord figure) =>
        Of(figure.Source) + (figure.Attributed && figure.Source != EnergySource.Unavailable ? ProcessShare : "");

    /// <summary>
    /// The source of a sum of figures: the weakest source, with <c>(process share)</c> where every part is a share and
    /// <c>(in part a process share)</c> where some are.
    /// </summary>
    public static string OfSum(IReadOnlyCollection<EnergyRecord> figures, EnergySource sumSource)
    {
        var attributed = figures.Count(f => f.Attributed);
        return Of(sumSource) + (sumSource == EnergySource.Unavailable || attributed == 0 ? ""
            : attributed == figures.Count ? ProcessShare : " (in part a process share)");
    }

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
