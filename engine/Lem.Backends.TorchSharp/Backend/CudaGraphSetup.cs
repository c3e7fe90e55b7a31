using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Runtime;
using Lem.Engine;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>
/// On a CUDA device: builds (or finds in the cache) the native helper for the libtorch in use, which brings the fused
/// operators (<see cref="FusedOps"/>, used in eager and graph decoding alike) and, with torchsharp.cuda_graphs = true,
/// a graph decoder for the model. Where the helper cannot be built, decoding is eager with TorchSharp's own operators
/// and the status says why.
/// </summary>
internal static class CudaGraphSetup
{
    /// <param name="prefills">torchsharp.prefill_graphs: the graphs serve repeated prefill shapes too.</param>
    public static (CudaGraphDecoder? Decoder, string Status) Create(Device device, ModelLoadRequest request, bool graphs, bool prefills)
    {
        if (device.type != global::TorchSharp.DeviceType.CUDA)
            return (null, graphs ? "off: CUDA graphs need a CUDA device (decoding is eager on " + request.Device + ")" : "off (torchsharp.cuda_graphs = false)");
        var configured = request.BackendOptions?.TryGetValue(TorchRuntime.LibtorchPathOption, out var path) == true ? path as string : null;
        var location = CudaLibtorchLocator.ForThisMachine().Find(configured);
        if (location is null)
            return (null, "off: no CUDA libtorch folder found to build the native helper against (set torchsharp.libtorch_path); decoding is eager, without fused operators");
        var runtime = CudaGraphRuntime.TryLoad(location.LibDir, Path.Combine(LemPaths.CacheRoot(), "native"), out var reason,
            message => Console.Error.WriteLine("  " + message));
        if (runtime is null) return (null, "off: " + reason + " Decoding is eager, without fused operators.");
        return graphs
            ? (new CudaGraphDecoder(runtime, device.index < 0 ? 0 : device.index, prefills),
                $"on (helper {runtime.LibraryPath}, libtorch {runtime.TorchVersion}{(prefills ? "; repeated prefill shapes too (torchsharp.prefill_graphs)" : "")})")
            : (null, $"off (torchsharp.cuda_graphs = false; fused operators from {runtime.LibraryPath})");
    }
}
