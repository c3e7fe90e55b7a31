namespace Lem.Backends.OrtGenAi.Backend;

/// <summary>
/// Whether the ONNX Runtime beside lem can run the CUDA provider: only where its CUDA provider library
/// (<c>libonnxruntime_providers_cuda.so</c>, from Microsoft.ML.OnnxRuntime.Gpu, which Microsoft.ML.OnnxRuntimeGenAI.Cuda
/// brings) was deployed with lem — in its folder or under <c>runtimes/*/native</c>. The CPU packages this build carries
/// have none.
/// </summary>
public static class OrtGenAiNative
{
    private static readonly string[] CudaProviderFiles = ["libonnxruntime_providers_cuda.so", "onnxruntime_providers_cuda.dll"];

    private static readonly Lazy<bool> Present = new(() => FindCudaProvider(AppContext.BaseDirectory) is not null);

    /// <summary>Whether lem was deployed with the CUDA provider (looked for once).</summary>
    public static bool CudaProviderPresent => Present.Value;

    /// <summary>The CUDA provider library in <paramref name="folder"/> or its <c>runtimes/*/native</c>, or null.</summary>
    public static string? FindCudaProvider(string folder)
    {
        var runtimes = Path.Combine(folder, "runtimes");
        var places = new[] { folder }.Concat(Directory.Exists(runtimes)
            ? Directory.GetDirectories(runtimes).Select(rid => Path.Combine(rid, "native"))
            : []);
        return places.SelectMany(place => CudaProviderFiles.Select(file => Path.Combine(place, file))).FirstOrDefault(File.Exists);
    }

    /// <summary>Why ortgenai.provider = cuda cannot run here, with the remedy (pre-flight and load say the same).</summary>
    public const string CudaAbsent =
        "ortgenai.provider = cuda needs ONNX Runtime GenAI's CUDA package, and this lem build carries the CPU package " +
        "(Microsoft.ML.OnnxRuntimeGenAI " + OrtGenAiModule.GenAiVersion + ", whose native library has no CUDA provider). " +
        "Remedy: set ortgenai.provider = cpu with device = \"cpu\"; or build lem with Microsoft.ML.OnnxRuntimeGenAI.Cuda and " +
        "Microsoft.ML.OnnxRuntime.Gpu in place of the CPU packages in engine/Lem.Backends.OrtGenAi.";
}
