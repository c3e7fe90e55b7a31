namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// One captured CUDA graph. Create it with <see cref="Capture"/>: every TorchSharp call made by <paramref name="body"/>
/// on this thread is recorded, not run; <see cref="Replay"/> runs the recorded kernels again on the same memory.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private readonly CudaGraphNative _native;
    private IntPtr _handle;

    private CudaGraph(CudaGraphNative native, IntPtr handle)
    {
        _native = native;
        _handle = handle;
    }

    /// <remarks>Each graph gets its own memory pool (the native helper could share one, which is safe only under
    /// replay-order rules lem does not need).</remarks>
    internal static CudaGraph Capture(CudaGraphNative native, int device, Action body)
    {
        var handle = native.Begin(device, IntPtr.Zero);
        try
        {
            body();
        }
        catch
        {
            try { native.End(handle); } catch (CudaGraphException) { /* the body's exception is the one to report */ }
            native.Destroy(handle);
            throw;
        }
        try
        {
            native.End(handle);
        }
        catch
        {
            native.Destroy(handle);
            throw;
        }
        return new CudaGraph(native, handle);
    }

    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        _native.Replay(_handle);
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        _native.Destroy(_handle);
        _handle = IntPtr.Zero;
    }
}
