using System.Globalization;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Flops.ParameterBased;
using Lem.Engine.Inference;

namespace Lem.Engine.Flops;

/// <summary>
/// The FLOPs of a measurement window and how they were obtained. The chain <see cref="Estimate(IReadOnlyList{BatchShape}, FlopCount?, string?, long?, AnalyticalConventions?)"/>
/// takes the best available source: traced → analytical → parameter-based. FLOP values are null only when
/// <see cref="Method"/> is <see cref="FlopsMethod.Unavailable"/> (and the per-token figure also when no token was produced).
/// </summary>
/// <param name="Reason">Why this method and this confidence, in words a reader can check.</param>
/// <param name="TracedVsAnalyticalRelativeDifference">(traced − analytical) / analytical when both exist; null otherwise.</param>
public sealed record FlopsEstimate(
    FlopsMethod Method,
    FlopsConfidence Confidence,
    string Reason,
    double? PrefillFlops,
    double? DecodeFlops,
    double? TotalFlops,
    double? FlopsPerOutputToken,
    double? TracedVsAnalyticalRelativeDifference = null)
{
    /// <summary>A traced count further than this from the analytical formula lowers confidence to medium.</summary>
    public const double CrossCheckTolerance = 0.02;

    public string MethodName => Method switch
    {
        FlopsMethod.Traced => "traced",
        FlopsMethod.Analytical => "analytical",
        FlopsMethod.ParameterBased => "parameter_based",
        _ => "unavailable",
    };

    public string ConfidenceName => Confidence.ToString().ToLowerInvariant();

    /// <summary>
    /// The chain. <paramref name="batches"/>: every generate call of the window, with its real shape.
    /// <paramref name="traced"/>: the backend's count summed over the same calls (null unless every call had one).
    /// <paramref name="configJson"/>: the model's config.json text. <paramref name="parameterCount"/>: all parameters
    /// (from the loaded weights), used only when config.json cannot be read.
    /// </summary>
    public static FlopsEstimate Estimate(
        IReadOnlyList<BatchShape> batches,
        FlopCount? traced,
        string? configJson,
        long? parameterCount = null,
        AnalyticalConventions? conventions = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 0)
            return Unavailable("no generate call ran in the window, so there are no FLOPs to count");
        var outputTokens = batches.Sum(b => b.OutputTokens);

        ArchitectureConfig? config = null;
        string? noFormula = null;
        if (string.IsNullOrWhiteSpace(configJson))
            noFormula = "no config.json was given";
        else
        {
            try { config = ArchitectureConfig.Parse(configJson); }
            catch (FlopsInputException e) { noFormula = e.Message; }
        }
        var analytical = config is null ? null : AnalyticalFlops.ForBatches(config, batches, conventions);
        var shapes = $"{batches.Count} batch shape{(batches.Count == 1 ? "" : "s")}";

        if (traced is not null)
        {
            if (analytical is null)
                return From(FlopsMethod.Traced, FlopsConfidence.High,
                    $"counted from the matmuls the backend executed; no analytical cross-check ({noFormula})", traced, outputTokens);
            var difference = analytical.TotalFlops > 0 ? (traced.TotalFlops - analytical.TotalFlops) / analytical.TotalFlops : 0;
            var percent = (difference * 100).ToString("0.00", CultureInfo.InvariantCulture);
            return Math.Abs(difference) <= CrossCheckTolerance
                ? From(FlopsMethod.Traced, FlopsConfidence.High,
                    $"counted from the matmuls the backend executed; the analytical formula over {shapes} agrees ({percent}%)",
                    traced, outputTokens, difference)
                : From(FlopsMethod.Traced, FlopsConfidence.Medium,
                    $"counted from the matmuls the backend executed, but it differs from the analytical formula over {shapes} by {percent}% " +
                    $"(more than {CrossCheckTolerance * 100:0}%): the backend's counting or the formula's conventions " +
                    $"({(conventions ?? AnalyticalConventions.Default).Describe()}) do not match",
                    traced, outputTokens, difference);
        }

        if (analytical is not null)
            return From(FlopsMethod.Analytical, FlopsConfidence.Medium,
                $"no traced count from the backend; {config!.ModelType} formula from config.json over {shapes} " +
                $"(matmul FLOPs only; {(conventions ?? AnalyticalConventions.Default).Describe()})",
                analytical, outputTokens);

        if (parameterCount is > 0)
            return From(FlopsMethod.ParameterBased, FlopsConfidence.Low,
                $"no traced count and no analytical formula ({noFormula}); 2 × {parameterCount.Value.ToString("N0", CultureInfo.InvariantCulture)} parameters " +
                "(all parameters, embeddings included: the non-embedding count needs a supported config.json) × tokens processed; attention scores not counted",
                ParameterBasedFlops.ForBatches(parameterCount.Value, batches), outputTokens);

        return Unavailable($"no traced count, no analytical formula ({noFormula}) and no parameter count");
    }

    /// <summary>
    /// The chain for a model's finished generate calls: shapes from each <see cref="BatchGeneration"/>, the traced count
    /// when every call carried one, config.json and the parameter count from <paramref name="model"/>.
    /// </summary>
    public static FlopsEstimate Estimate(ModelInfo model, IReadOnlyList<BatchGeneration> generations, bool finishedRowsKeepComputing = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(generations);
        var shapes = generations.Select(g => BatchShape.FromGeneration(g, finishedRowsKeepComputing)).ToArray();
        var traced = generations.Count > 0 && generations.All(g => g.TracedFlops is not null)
            ? generations.Aggregate(FlopCount.Zero, (sum, g) => sum + g.TracedFlops!)
            : null;
        return Estimate(shapes, traced, model.ConfigJson, model.ParameterCount);
    }

    private static FlopsEstimate From(FlopsMethod method, FlopsConfidence confidence, string reason, FlopCount flops, long outputTokens, double? difference = null) =>
        new(method, confidence, reason, flops.PrefillFlops, flops.DecodeFlops, flops.TotalFlops,
            outputTokens > 0 ? flops.TotalFlops / outputTokens : null, difference);

    private static FlopsEstimate Unavailable(string reason) =>
        new(FlopsMethod.Unavailable, FlopsConfidence.None, reason, null, null, null, null);
}
