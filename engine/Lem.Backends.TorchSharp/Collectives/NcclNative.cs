using System.Runtime.InteropServices;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Collectives;

/// <summary>
/// The few NCCL entry points a one-process tensor split needs, bound by <see cref="NativeLibrary"/> at run time (as the
/// CUDA-graph helper is), so that a machine without NCCL loads lem and falls back to the in-process sum. Signatures
/// from nccl.h; every call returns an ncclResult_t (0 = ncclSuccess).
/// </summary>
internal sealed unsafe class NcclNative
{
    public const string LibraryName = "libnccl.so.2";

    /// <summary>ncclDataType_t values of nccl.h.</summary>
    public const int Float16 = 6, Float32 = 7, BFloat16 = 9;

    private const int Sum = 0; // ncclRedOp_t ncclSum

    private readonly delegate* unmanaged<int*, int> _getVersion;
    private readonly delegate* unmanaged<IntPtr*, int, int*, int> _commInitAll;
    private readonly delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int> _allReduce;
    private readonly delegate* unmanaged<int> _groupStart;
    private readonly delegate* unmanaged<int> _groupEnd;
    private readonly delegate* unmanaged<IntPtr, int> _commDestroy;
    private readonly delegate* unmanaged<int, IntPtr> _errorString;

    private NcclNative(IntPtr handle, string path)
    {
        Path = path;
        _getVersion = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(handle, "ncclGetVersion");
        _commInitAll = (delegate* unmanaged<IntPtr*, int, int*, int>)NativeLibrary.GetExport(handle, "ncclCommInitAll");
        _allReduce = (delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int>)NativeLibrary.GetExport(handle, "ncclAllReduce");
        _groupStart = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "ncclGroupStart");
        _groupEnd = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "ncclGroupEnd");
        _commDestroy = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "ncclCommDestroy");
        _errorString = (delegate* unmanaged<int, IntPtr>)NativeLibrary.GetExport(handle, "ncclGetErrorString");
    }

    /// <summary>Where the library was loaded from (as it was named to the loader).</summary>
    public string Path { get; }

    /// <summary>The first of <paramref name="candidates"/> that loads, or null with <paramref name="reason"/>.</summary>
    public static NcclNative? TryLoad(IReadOnlyList<string> candidates, out string reason)
    {
        foreach (var candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out var handle)) continue;
            try
            {
                reason = "";
                return new NcclNative(handle, candidate);
            }
            catch (EntryPointNotFoundException e)
            {
                reason = $"{candidate} lacks an NCCL entry point ({e.Message})";
                return null;
            }
        }
        reason = $"{LibraryName} was not found (tried {string.Join(", ", candidates)})";
        return null;
    }

    /// <summary>The loaded library's version, "2.27.5".</summary>
    public string Version()
    {
        int code;
        Check(_getVersion(&code), "ncclGetVersion");
        return FormatVersion(code);
    }

    /// <summary>NCCL_VERSION_CODE is major·10000 + minor·100 + patch since 2.9, major·1000 + minor·100 + patch before.</summary>
    public static string FormatVersion(int code) =>
        code >= 20900 ? $"{code / 10000}.{code % 10000 / 100}.{code % 100}" : $"{code / 1000}.{code % 1000 / 100}.{code % 100}";

    /// <summary>One communicator per device, rank i on <paramref name="devices"/>[i] (one process drives them all).</summary>
    public IntPtr[] CommInitAll(int[] devices)
    {
        var comms = new IntPtr[devices.Length];
        fixed (IntPtr* c = comms)
        fixed (int* d = devices)
            Check(_commInitAll(c, devices.Length, d), "ncclCommInitAll");
        return comms;
    }

    /// <summary>Calls for several devices from one thread must sit between ncclGroupStart and ncclGroupEnd, which launches them all.</summary>
    public void GroupStart() => Check(_groupStart(), "ncclGroupStart");

    public void GroupEnd() => Check(_groupEnd(), "ncclGroupEnd");

    /// <summary>In-place sum of <paramref name="count"/> elements at <paramref name="buffer"/> (device memory) across the communicator's ranks.</summary>
    public void AllReduceSumInPlace(IntPtr buffer, long count, int dataType, IntPtr comm, IntPtr stream) =>
        Check(_allReduce(buffer, buffer, (nuint)count, dataType, Sum, comm, stream), "ncclAllReduce");

    public void CommDestroy(IntPtr comm) => _commDestroy(comm);

    private void Check(int result, string call)
    {
        if (result != 0)
            throw new InferenceException($"{call} failed: {Marshal.PtrToStringUTF8(_errorString(result))} (ncclResult_t {result}). " +
                $"Remedy: set {AllReduceChoice.Variable}=copy to sum across the GPUs without NCCL; report the message above.");
    }
}
