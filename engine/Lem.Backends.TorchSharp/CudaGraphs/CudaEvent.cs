namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// A CUDA event on a device's current stream (timing off). <see cref="Record"/> marks the point after the work queued
/// so far; <see cref="Wait"/> blocks the host until that work has finished, while work queued after the mark keeps running.
/// </summary>
public sealed class CudaEvent : IDisposable
{
    private readonly CudaGraphNative _native;
    private readonly int _device;
    private IntPtr _handle;

    internal CudaEvent(CudaGraphNative native, int device)
    {
        _native = native;
        _device = device;
        _handle = native.CreateEvent();
    }

    public void Record()
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        _native.RecordEvent(_handle, _device);
    }

    public void Wait()
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        _native.SynchronizeEvent(_handle);
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        _native.DestroyEvent(_handle);
        _handle = IntPtr.Zero;
    }
}
