namespace Lem.Engine.Flops.Utilisation;

/// <summary>
/// MFU or MBU as a fraction of the peak (0.42 = 42%). <see cref="Ratio"/> is null when it cannot be reported, and
/// <see cref="Note"/> then says why; otherwise the note says which peak it was divided by.
/// </summary>
/// <param name="Metric">"mfu" or "mbu".</param>
public sealed record UtilisationFigure(string Metric, double? Ratio, string Note)
{
    public static UtilisationFigure NotReported(string metric, string why) => new(metric, null, why);
}
