namespace Lem.Engine.Workload.Batching;

/// <summary>Formulas shared by planned batches and the batches a run actually made.</summary>
public static class BatchFigures
{
    /// <summary>(padded − real) / padded; 0 when nothing was padded or there were no tokens.</summary>
    public static double PaddingRatio(long realTokens, long paddedTokens) =>
        paddedTokens <= 0 ? 0 : (double)(paddedTokens - realTokens) / paddedTokens;
}
