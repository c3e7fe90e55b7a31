using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>A lookup table [count, size]; also serves as a tied LM head.</summary>
internal sealed class Embedding : nn.Module
{
    public readonly Parameter weight;
    private readonly long _size;

    public Embedding(WeightLoader w, string name, long count, long size) : base(name)
    {
        _size = size;
        weight = w.Load(name + ".weight", count, size);
        register_parameter("weight", weight);
    }

    /// <summary>ids [b, q] → [b, q, size].</summary>
    public Tensor Forward(Tensor ids) => weight.index_select(0, ids.reshape(-1)).view(ids.shape[0], ids.shape[1], _size);
}
