using System.Globalization;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Tensor parallelism (Megatron-style) over several devices in one process: every device (rank) holds an equal share
/// of each layer's attention heads and key/value heads (column-parallel q/k/v, row-parallel o_proj) and a share of the
/// MLP (column-parallel gate/up or c_fc, row-parallel down or c_proj), and a contiguous block of vocabulary rows of the
/// embeddings and the LM head. The partial results are summed across the ranks after each half of a layer.
/// </summary>
public sealed class TensorSplit
{
    private TensorSplit(IReadOnlyList<TensorRank> ranks, int heads, int kvHeads)
    {
        Ranks = ranks;
        Heads = heads;
        KvHeads = kvHeads;
    }

    public IReadOnlyList<TensorRank> Ranks { get; }

    public int Count => Ranks.Count;

    /// <summary>The model's attention heads and key/value heads (each rank holds <c>/ Count</c> of them).</summary>
    public int Heads { get; }
    public int KvHeads { get; }

    /// <summary>Rank 0's device: inputs start here and the logits are gathered here.</summary>
    public Device First => Ranks[0].Device;

    /// <summary>Each device once, in rank order (several ranks may share the host, or one GPU in a check).</summary>
    public IReadOnlyList<TensorRank> DistinctDevices => Ranks.DistinctBy(r => r.DeviceName).ToArray();

    /// <summary>"cpu:heads 0-1 kv 0-0,cpu:heads 2-3 kv 1-1": each rank's device and its query and key/value heads.</summary>
    public string Describe() => string.Join(",", Ranks.Select(r =>
    {
        var (q, qCount) = r.Shard.Range(Heads);
        var (kv, kvCount) = r.Shard.Range(KvHeads);
        return string.Create(CultureInfo.InvariantCulture, $"{r.DeviceName}:heads {q}-{q + qCount - 1} kv {kv}-{kv + kvCount - 1}");
    }));

    /// <summary>
    /// Splits a model with <paramref name="heads"/> attention heads and <paramref name="kvHeads"/> key/value heads over
    /// the devices, in order. Both counts must divide by the number of devices (a head is never cut). A device may
    /// repeat: its ranks then share it (the host on the CPU; on one GPU, a check of the CUDA path).
    /// </summary>
    public static TensorSplit Even(IReadOnlyList<(string Name, Device Device)> devices, int heads, int kvHeads)
    {
        if (HeadsProblem(devices.Select(d => d.Name).ToArray(), heads, kvHeads) is { } problem) throw new InferenceException(problem);
        return new TensorSplit(devices.Select((d, i) => new TensorRank(d.Name, d.Device, new TensorShard(i, devices.Count))).ToArray(), heads, kvHeads);
    }

    /// <summary>Why the devices cannot split a model with these head counts (with the remedy), or null when they can.</summary>
    public static string? HeadsProblem(IReadOnlyList<string> devices, int heads, int kvHeads)
    {
        var names = string.Join(", ", devices);
        if (devices.Count < 2)
            return $"A tensor split needs at least two devices, but it was given {devices.Count} ({names}). List two or more devices (for example cuda:0, cuda:1), or run on one device without a split.";
        if (heads % devices.Count == 0 && kvHeads % devices.Count == 0) return null;
        var which = heads % devices.Count != 0 ? $"{heads} attention heads" : $"{kvHeads} key/value heads";
        var counts = Enumerable.Range(2, Math.Max(0, Math.Min(heads, kvHeads) - 1)).Where(n => heads % n == 0 && kvHeads % n == 0).ToArray();
        var remedy = counts.Length == 0
            ? "This model cannot be tensor-split; use parallel.mode = pipeline or data."
            : $"Use {string.Join(" or ", counts)} devices (a count that divides both {heads} attention heads and {kvHeads} key/value heads), or parallel.mode = pipeline.";
        return $"A tensor split over {devices.Count} devices ({names}) gives each device an equal share of the heads, but the model has {which}, which {devices.Count} does not divide. {remedy}";
    }
}
