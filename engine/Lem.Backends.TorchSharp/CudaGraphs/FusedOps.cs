using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// libtorch operators that TorchSharp does not bind, called through the native helper (lem_fused_ops.cpp): each runs
/// as one kernel on CUDA where the TorchSharp composition would launch several. <see cref="Current"/> is set once the
/// helper has loaded in this process; models use it for tensors on CUDA and fall back to TorchSharp ops otherwise, in
/// eager and graph decoding alike, so that both compute exactly the same thing.
/// </summary>
public sealed unsafe class FusedOps
{
    private readonly delegate* unmanaged<IntPtr, IntPtr, double, IntPtr*, int> _rmsNorm;
    private readonly delegate* unmanaged<IntPtr> _lastError;

    internal FusedOps(string libraryPath)
    {
        var handle = NativeLibrary.Load(libraryPath);
        _rmsNorm = (delegate* unmanaged<IntPtr, IntPtr, double, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_rms_norm");
        _lastError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_ops_last_error");
    }

    /// <summary>The helper's operators once loaded in this process (it is built per libtorch, and one libtorch is loaded).</summary>
    public static FusedOps? Current { get; internal set; }

    /// <summary>RMSNorm over the last dimension (fp32 accumulation, result in <paramref name="x"/>'s dtype), one CUDA kernel.</summary>
    public Tensor RmsNorm(Tensor x, Tensor weight, double eps)
    {
        IntPtr result;
        if (_rmsNorm(x.Handle, weight.Handle, eps, &result) != 0)
            throw new CudaGraphException($"the fused RMSNorm of the native helper failed: {Marshal.PtrToStringUTF8(_lastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }
}
