namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>A CUDA graph could not be built, captured or replayed; callers fall back to eager decoding and say why.</summary>
public sealed class CudaGraphException(string message) : Exception(message);
