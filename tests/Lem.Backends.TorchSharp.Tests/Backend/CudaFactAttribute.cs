using TorchSharp;

namespace Lem.Backends.TorchSharp.Tests.Backend;

/// <summary>A fact that runs only where TorchSharp sees a CUDA device; mark it [Trait("Category", "CUDA")] too.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!torch.cuda.is_available())
            Skip = "CUDA is not available to TorchSharp on this machine (no GPU or a CPU-only libtorch).";
    }
}
