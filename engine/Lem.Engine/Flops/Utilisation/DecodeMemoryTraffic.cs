using Lem.Engine.Flops.Analytical;

namespace Lem.Engine.Flops.Utilisation;

/// <summary>
/// Bytes a decode step must read from device memory: the weights it multiplies by and the KV cache it attends over.
/// Activations and the step's own writes are left out (small beside weights at inference batch sizes).
/// </summary>
public static class DecodeMemoryTraffic
{
    /// <summary>
    /// KV cache read by one decode step: 2 (K and V) × layers × kv_heads × head_dim × kvLength × bytes per element × rows.
    /// At decode step t, kvLength = padded prompt length + t.
    /// </summary>
    public static double KvCacheBytes(ArchitectureConfig config, int rows, long kvLength, double bytesPerElement) =>
        2.0 * config.NumLayers * config.NumKvHeads * config.HeadDim * kvLength * bytesPerElement * rows;

    /// <summary>
    /// Weight bytes one decode step reads: all resident weights except tables that are only looked up row by row
    /// (an untied token embedding, a learned position table). A tied embedding is read whole as the LM head, so it stays.
    /// Assumes every parameter is stored with the same width.
    /// </summary>
    public static double WeightBytesPerStep(ArchitectureConfig config, long weightBytes)
    {
        var counts = ParameterCounts.FromConfig(config);
        var lookupOnly = (config.TieWordEmbeddings ? 0 : counts.TokenEmbedding) + counts.PositionEmbedding;
        return weightBytes * (double)(counts.Total - lookupOnly) / counts.Total;
    }

    /// <summary>Bytes read over every decode step of the given batches (steps that computed no row are skipped).</summary>
    public static double DecodeBytes(ArchitectureConfig config, long weightBytes, IEnumerable<BatchShape> batches, double kvBytesPerElement)
    {
        var weights = WeightBytesPerStep(config, weightBytes);
        double total = 0;
        foreach (var batch in batches)
            for (var t = 1; t <= batch.DecodeSteps; t++)
            {
                var rows = batch.DecodeRowsPerStep[t - 1];
                if (rows == 0) continue;
                total += weights + KvCacheBytes(config, rows, (long)batch.PaddedPromptLength + t, kvBytesPerElement);
            }
        return total;
    }
}
