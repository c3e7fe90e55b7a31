using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// A lookup table [count, size]; also serves as a tied LM head. Tied to a quantized head it is stored quantized too
/// (one table), and a lookup dequantizes the rows it takes.
/// </summary>
internal sealed class Embedding : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter? weight_scale;
    private readonly long _size;
    private readonly ScalarType _dtype;

    public Embedding(WeightLoader w, string name, long count, long size, QuantizationScheme scheme = QuantizationScheme.None) : base(name)
    {
        _size = size;
        _dtype = w.Dtype;
        Table = w.Quantized(LinearWeight.From(w.Load(name + ".weight", count, size), scheme, name));
        weight = Table.Stored;
        register_parameter("weight", weight);
        if (Table.Scales is { } scales)
        {
            weight_scale = scales;
            register_parameter("weight_scale", weight_scale);
        }
    }

    /// <summary>The table as a linear weight [count, size] (what a tied LM head multiplies by).</summary>
    public LinearWeight Table { get; }

    /// <summary>ids [b, q] → [b, q, size] in the model dtype.</summary>
    public Tensor Forward(Tensor ids) => Table.GatherRows(ids.reshape(-1), _dtype).view(ids.shape[0], ids.shape[1], _size);
}
