namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>The loaded CUDA graph helper. <see cref="TryLoad"/> builds it on first use and says why when it cannot.</summary>
public sealed class CudaGraphRuntime
{
    private readonly CudaGraphNative _native;

    private CudaGraphRuntime(CudaGraphNative native, string libraryPath)
    {
        _native = native;
        LibraryPath = libraryPath;
    }

    public string LibraryPath { get; }
    public string TorchVersion => _native.TorchVersion;

    /// <returns>The runtime, or null with <paramref name="unavailableReason"/> saying why (and the remedy).</returns>
    public static CudaGraphRuntime? TryLoad(string torchLibFolder, string cacheRoot, out string? unavailableReason, Action<string>? log = null)
    {
        try
        {
            var library = CudaGraphHelperBuilder.EnsureBuilt(torchLibFolder, cacheRoot, log);
            unavailableReason = null;
            FusedOps.Current ??= new FusedOps(library);
            return new CudaGraphRuntime(new CudaGraphNative(library), library);
        }
        catch (Exception e) when (e is CudaGraphException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            unavailableReason = e.Message;
            return null;
        }
    }

    /// <summary>Captures the TorchSharp calls that <paramref name="body"/> makes on this thread into a graph.</summary>
    public CudaGraph Capture(int device, Action body) => CudaGraph.Capture(_native, device, body);

    /// <summary>A new event on <paramref name="device"/>'s current stream.</summary>
    public CudaEvent NewEvent(int device) => new(_native, device);
}
