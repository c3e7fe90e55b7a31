using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Runtime;
using Lem.Engine;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>
/// torchsharp.cuda_graphs = true: builds (or finds in the cache) the native graph helper for the libtorch in use and
/// makes a decoder for the model. Where graphs cannot be used, decoding stays eager and the status says why.
/// </summary>
internal static class CudaGraphSetup
{
    public static (CudaGraphDecoder? Decoder, string Status) Create(Device device, ModelLoadRequest request)
    {
        if (device.type != global::TorchSharp.DeviceType.CUDA)
            return (null, "off: CUDA graphs need a CUDA device (decoding is eager on " + request.Device + ")");
        var configured = request.BackendOptions?.TryGetValue(TorchRuntime.LibtorchPathOption, out var path) == true ? path as string : null;
        var location = CudaLibtorchLocator.ForThisMachine().Find(configured);
        if (location is null)
            return (null, "off: no CUDA libtorch folder found to build the graph helper against (set torchsharp.libtorch_path); decoding is eager");
        var runtime = CudaGraphRuntime.TryLoad(location.LibDir, Path.Combine(LemPaths.CacheRoot(), "native"), out var reason,
            message => Console.Error.WriteLine("  " + message));
        return runtime is null
            ? (null, "off: " + reason + " Decoding is eager.")
            : (new CudaGraphDecoder(runtime, device.index < 0 ? 0 : device.index), $"on (helper {runtime.LibraryPath}, libtorch {runtime.TorchVersion})");
    }
}
