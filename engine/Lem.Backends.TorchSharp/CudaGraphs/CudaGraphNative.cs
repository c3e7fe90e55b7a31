using System.Runtime.InteropServices;

namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>The entry points of the compiled lem_cuda_graphs helper, bound by NativeLibrary at run time.</summary>
internal sealed unsafe class CudaGraphNative
{
    private readonly delegate* unmanaged<int, IntPtr, IntPtr*, int> _begin;
    private readonly delegate* unmanaged<IntPtr, int> _end;
    private readonly delegate* unmanaged<IntPtr, int> _replay;
    private readonly delegate* unmanaged<IntPtr, void> _destroy;
    private readonly delegate* unmanaged<IntPtr> _lastError;
    private readonly delegate* unmanaged<IntPtr> _torchVersion;

    public CudaGraphNative(string libraryPath)
    {
        var handle = NativeLibrary.Load(libraryPath);
        _begin = (delegate* unmanaged<int, IntPtr, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_cg_begin");
        _end = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "lem_cg_end");
        _replay = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "lem_cg_replay");
        _destroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "lem_cg_destroy");
        _lastError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_cg_last_error");
        _torchVersion = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_cg_torch_version");
    }

    public string TorchVersion => Marshal.PtrToStringUTF8(_torchVersion()) ?? "";

    public IntPtr Begin(int device, IntPtr poolFrom)
    {
        IntPtr graph;
        Check(_begin(device, poolFrom, &graph), "begin capture");
        return graph;
    }

    public void End(IntPtr graph) => Check(_end(graph), "end capture");
    public void Replay(IntPtr graph) => Check(_replay(graph), "replay");
    public void Destroy(IntPtr graph) => _destroy(graph);

    private void Check(int status, string what)
    {
        if (status != 0)
            throw new CudaGraphException($"CUDA graph {what} failed: {Marshal.PtrToStringUTF8(_lastError())}");
    }
}
