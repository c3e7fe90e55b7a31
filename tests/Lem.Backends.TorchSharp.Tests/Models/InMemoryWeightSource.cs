using Lem.Backends.TorchSharp.Loading;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

/// <summary>An <see cref="IWeightSource"/> over fp32 CPU tensors held in memory, by Hugging Face name.</summary>
internal sealed class InMemoryWeightSource(IReadOnlyDictionary<string, Tensor> tensors) : IWeightSource
{
    public IReadOnlyCollection<string> Names => tensors.Keys.ToArray();

    public WeightInfo Info(string name) => new(name, tensors[name].shape, "F32", "memory");

    public Tensor Load(string name, ScalarType dtype, Device device) => tensors[name].to(dtype, device, copy: true);

    public void Dispose()
    {
    }
}
