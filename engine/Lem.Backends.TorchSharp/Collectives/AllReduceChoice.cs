using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Collectives;

/// <summary>
/// Which all-reduce a tensor split uses: NCCL where every rank is on its own CUDA device and libnccl loads, the
/// in-process sum otherwise, with the reason in its description (which the record carries).
/// </summary>
public static class AllReduceChoice
{
    /// <summary>The environment variable that forces the in-process sum (<c>copy</c>) for A/B runs; unset or <c>auto</c>: NCCL where it can.</summary>
    public const string Variable = "LEM_TORCHSHARP_ALL_REDUCE";

    /// <summary>From this process's environment; NCCL is looked for by its name, then beside the CUDA libtorch (PyTorch's nvidia/nccl/lib).</summary>
    public static IAllReduce For(TensorSplit split, string? libtorchLibDir) =>
        For(split, NcclCandidates(libtorchLibDir), Environment.GetEnvironmentVariable(Variable));

    /// <param name="ncclCandidates">Names or paths to try for libnccl.so.2, in order.</param>
    /// <param name="setting">The value of <see cref="Variable"/>: null or <c>auto</c>, or <c>copy</c>.</param>
    public static IAllReduce For(TensorSplit split, IReadOnlyList<string> ncclCandidates, string? setting)
    {
        var mode = string.IsNullOrWhiteSpace(setting) ? "auto" : setting.Trim().ToLowerInvariant();
        if (mode is not ("auto" or "copy"))
            throw new InferenceException($"{Variable} is \"{setting}\"; it must be auto (NCCL where it can) or copy (the in-process sum).");
        var notCuda = split.Ranks.FirstOrDefault(r => r.Device.type != global::TorchSharp.DeviceType.CUDA);
        if (notCuda is not null)
            return new InProcessAllReduce($"NCCL sums on CUDA devices only, and a rank is on {notCuda.DeviceName}");
        var shared = split.Ranks.GroupBy(r => r.DeviceName).FirstOrDefault(g => g.Count() > 1);
        if (shared is not null)
            return new InProcessAllReduce($"{shared.Count()} ranks share {shared.Key}, and NCCL takes each GPU once");
        if (mode == "copy")
            return new InProcessAllReduce($"{Variable}=copy");
        var nccl = NcclNative.TryLoad(ncclCandidates, out var reason);
        if (nccl is null)
            return new InProcessAllReduce(reason);
        try
        {
            return new NcclAllReduce(nccl, split.Ranks.Select(r => (int)r.Device.index).ToArray());
        }
        catch (InferenceException e)
        {
            return new InProcessAllReduce(e.Message.Split(" Remedy:")[0]);
        }
    }

    /// <summary>libnccl.so.2 by name (already loaded with libtorch_cuda, or on the library path), then in PyTorch's wheel layout beside torch/lib.</summary>
    public static IReadOnlyList<string> NcclCandidates(string? libtorchLibDir) =>
        libtorchLibDir is null
            ? [NcclNative.LibraryName]
            : [NcclNative.LibraryName, Path.GetFullPath(Path.Combine(libtorchLibDir, "..", "..", "nvidia", "nccl", "lib", NcclNative.LibraryName))];
}
