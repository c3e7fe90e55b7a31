using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Collectives;

/// <summary>
/// The address of a tensor's first element, which TorchSharp does not expose for every dtype: its storage's data
/// pointer (LibTorchSharp's THSStorage_data_ptr, the library TorchSharp itself binds) plus its storage offset.
/// </summary>
internal static partial class TensorMemory
{
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSStorage_data_ptr(IntPtr tensor);

    public static IntPtr Address(Tensor t) => THSStorage_data_ptr(t.Handle) + (nint)(t.storage_offset() * t.element_size());
}
