namespace Lem.Backends.TorchSharp.Loading;

/// <summary>
/// The tensors of a checkpoint, by Hugging Face name (<c>model.layers.0.self_attn.q_proj.weight</c>).
/// Implemented over single and sharded safetensors files; models load strictly through it, so a missing
/// or misshapen tensor is reported by name.
/// </summary>
public interface IWeightSource : IDisposable
{
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Shape and safetensors dtype (<c>F32</c>, <c>F16</c>, <c>BF16</c>, ...) of a tensor, without reading its data.</summary>
    WeightInfo Info(string name);

    /// <summary>Reads a tensor into a new TorchSharp tensor of the given dtype on the given device.</summary>
    global::TorchSharp.torch.Tensor Load(string name, global::TorchSharp.torch.ScalarType dtype, global::TorchSharp.torch.Device device);
}

public sealed record WeightInfo(string Name, long[] Shape, string DType, string File);
