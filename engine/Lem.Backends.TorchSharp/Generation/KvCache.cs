using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Preallocated keys and values: one tensor per layer and kind, [batch, kv_heads, capacity, head_dim]. New entries are
/// written in place at their sequence offset; attention reads the prefix up to the current length as a view.
/// Nothing is ever concatenated.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(int layers, long batch, long kvHeads, long capacity, long headDim, ScalarType dtype, Device device)
        : this(batch, kvHeads, capacity, headDim, dtype, Enumerable.Repeat(device, layers).ToArray())
    {
    }

    /// <param name="layerDevices">The device of each layer's keys and values (a pipeline keeps them beside their layer).</param>
    public KvCache(long batch, long kvHeads, long capacity, long headDim, ScalarType dtype, IReadOnlyList<Device> layerDevices)
    {
        Capacity = capacity;
        var layers = layerDevices.Count;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var i = 0; i < layers; i++)
        {
            // Zeroed, not empty: static-shape decode reads not-yet-written positions under a mask, and garbage there
            // (NaN or Inf) would survive masking (NaN + −inf is NaN; 0 · NaN is NaN).
            _keys[i] = zeros([batch, kvHeads, capacity, headDim], dtype, layerDevices[i]);
            _values[i] = zeros([batch, kvHeads, capacity, headDim], dtype, layerDevices[i]);
        }
    }

    public long Capacity { get; }


    /// <summary>Writes k, v [batch, kv_heads, q, head_dim] at <paramref name="offset"/> and returns the keys and values of positions 0..offset+q−1.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, long offset, Tensor k, Tensor v)
    {
        var length = offset + k.shape[2];
        if (length > Capacity)
            throw new InvalidOperationException($"KV cache of capacity {Capacity} cannot hold position {length - 1}.");
        _keys[layer].narrow(2, offset, k.shape[2]).copy_(k);
        _values[layer].narrow(2, offset, v.shape[2]).copy_(v);
        return (_keys[layer].narrow(2, 0, length), _values[layer].narrow(2, 0, length));
    }

    /// <summary>
    /// Writes k, v [batch, kv_heads, 1, head_dim] at the position held in <paramref name="index"/> (a one-element int64
    /// tensor on the device) and returns the whole cache. Shapes and addresses are the same at every step, so a step
    /// built on this can be captured once as a CUDA graph and replayed; the mask hides positions not yet written.
    /// </summary>
    public (Tensor Keys, Tensor Values) WriteAt(int layer, Tensor index, Tensor k, Tensor v)
    {
        _keys[layer].index_copy_(2, index, k);
        _values[layer].index_copy_(2, index, v);
        return (_keys[layer], _values[layer]);
    }

    /// <summary>The whole cache of one layer (keys, values), [batch, kv_heads, capacity, head_dim], for kernels that write it.</summary>
    public (Tensor Keys, Tensor Values) Layer(int layer) => (_keys[layer], _values[layer]);

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
