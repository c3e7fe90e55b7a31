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
    private readonly delegate* unmanaged<IntPtr*, int> _eventCreate;
    private readonly delegate* unmanaged<IntPtr, int, int> _eventRecord;
    private readonly delegate* unmanaged<IntPtr, int> _eventSynchronize;
    private readonly delegate* unmanaged<IntPtr, void> _eventDestroy;

    public CudaGraphNative(string libraryPath)
    {
        var handle = NativeLibrary.Load(libraryPath);
        _begin = (delegate* unmanaged<int, IntPtr, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_cg_begin");
        _end = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "lem_cg_end");
        _replay = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "lem_cg_replay");
        _destroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "lem_cg_destroy");
        _lastError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_cg_last_error");
        _torchVersion = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_cg_torch_version");
        _eventCreate = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_event_create");
        _eventRecord = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(handle, "lem_event_record");
        _eventSynchronize = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "lem_event_synchronize");
        _eventDestroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "lem_event_destroy");
    }

    public string TorchVersion => Marshal.PtrToStringUTF8(_torchVersion()) ?? "";

    public IntPtr Begin(int device, IntPtr poolFrom)
    {
        IntPtr graph;
        Check(_begin(device, poolFrom, &graph), "graph capture begin");
        return graph;
    }

    public void End(IntPtr graph) => Check(_end(graph), "graph capture end");
    public void Replay(IntPtr graph) => Check(_replay(graph), "graph replay");
    public void Destroy(IntPtr graph) => _destroy(graph);

    public IntPtr CreateEvent()
    {
        IntPtr cudaEvent;
        Check(_eventCreate(&cudaEvent), "event creation");
        return cudaEvent;
    }

    public void RecordEvent(IntPtr cudaEvent, int device) => Check(_eventRecord(cudaEvent, device), "event record");
    public void SynchronizeEvent(IntPtr cudaEvent) => Check(_eventSynchronize(cudaEvent), "event wait");
    public void DestroyEvent(IntPtr cudaEvent) => _eventDestroy(cudaEvent);

    private void Check(int status, string what)
    {
        if (status != 0)
            throw new CudaGraphException($"CUDA {what} failed: {Marshal.PtrToStringUTF8(_lastError())}");
    }
}
