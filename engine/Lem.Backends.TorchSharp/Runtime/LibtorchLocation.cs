namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>A folder holding a CUDA-enabled libtorch (<c>libtorch_cuda.so</c>) and where it was found.</summary>
/// <param name="LibDir">The folder with <c>libtorch.so</c> and <c>libtorch_cuda.so</c>.</param>
/// <param name="Source">How it was found: <c>torchsharp.libtorch_path</c>, <c>LD_LIBRARY_PATH</c>, <c>python3 torch</c> or <c>virtual environment</c>.</param>
public sealed record LibtorchLocation(string LibDir, string Source);
