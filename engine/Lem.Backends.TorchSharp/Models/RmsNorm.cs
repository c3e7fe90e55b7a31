using Lem.Backends.TorchSharp.CudaGraphs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// RMSNorm over the last dimension. On CUDA with the native helper loaded it is libtorch's fused kernel (fp32
/// accumulation, one rounding to the model dtype); otherwise computed in fp32 and cast back before the weight, as
/// transformers does (eight kernels, which dominate batch-1 decode on a GPU).
/// </summary>
internal sealed class RmsNorm : nn.Module
{
    public readonly Parameter weight;
    private readonly double _eps;

    public double Eps => _eps;

    public RmsNorm(WeightLoader w, string name, long size, double eps) : base(name)
    {
        _eps = eps;
        weight = w.Load(name + ".weight", size);
        register_parameter("weight", weight);
    }

    public Tensor Forward(Tensor x)
    {
        if (x.device_type == DeviceType.CUDA && FusedOps.Current is { } fused)
            return fused.RmsNorm(x, weight, _eps);
        var dtype = x.dtype;
        var xf = dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var variance = xf.square().mean([-1], keepdim: true);
        var normed = xf.mul(variance.add_(_eps).rsqrt_());
        if (dtype != ScalarType.Float32) normed = normed.to(dtype);
        return normed.mul_(weight);
    }
}
