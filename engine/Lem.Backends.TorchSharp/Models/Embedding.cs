using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// A lookup table [count, size]; also serves as a tied LM head. Tied to a quantized head it is stored quantized too
/// (one table), and a lookup dequantizes the rows it takes. Under tensor parallelism a rank holds a contiguous block
/// of the rows (vocabulary-parallel, as Megatron and vLLM split it): a lookup gives zeros for ids outside the block,
/// so the ranks' lookups summed are the whole table's, exactly.
/// </summary>
internal sealed class Embedding : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter? weight_scale;
    private readonly long _size;
    private readonly ScalarType _dtype;
    private readonly long _firstRow;
    private readonly bool _partial;

    public Embedding(WeightLoader w, string name, long count, long size, QuantizationScheme scheme = QuantizationScheme.None)
        : this(w, name, count, size, scheme, TensorShard.Whole)
    {
    }

    /// <param name="shard">Whose block of rows to hold (<see cref="TensorShard.Whole"/>: all of them).</param>
    public Embedding(WeightLoader w, string name, long count, long size, QuantizationScheme scheme, TensorShard shard) : base(name)
    {
        _size = size;
        _dtype = w.Dtype;
        var rows = shard.Range(count);
        _firstRow = rows.Offset;
        _partial = rows.Count != count;
        Table = w.Quantized(LinearWeight.From(w.LoadPart(name + ".weight", [count, size], 0, rows), scheme, name));
        weight = Table.Stored;
        register_parameter("weight", weight);
        if (Table.Scales is { } scales)
        {
            weight_scale = scales;
            register_parameter("weight_scale", weight_scale);
        }
    }

    /// <summary>The table (this rank's rows) as a linear weight [rows, size] (what a tied LM head multiplies by).</summary>
    public LinearWeight Table { get; }

    /// <summary>ids [b, q] → [b, q, size] in the model dtype (zeros for ids outside this rank's rows).</summary>
    public Tensor Forward(Tensor ids)
    {
        var flat = ids.reshape(-1);
        if (!_partial) return Table.GatherRows(flat, _dtype).view(ids.shape[0], ids.shape[1], _size);
        using var scope = NewDisposeScope();
        var local = flat.sub(_firstRow);
        var outside = local.lt(0).logical_or_(local.ge(Table.OutFeatures));
        var rows = Table.GatherRows(local.clamp(0, Table.OutFeatures - 1), _dtype).masked_fill(outside.unsqueeze(1), 0);
        return rows.view(ids.shape[0], ids.shape[1], _size).MoveToOuterDisposeScope();
    }
}
