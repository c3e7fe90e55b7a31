using System.Security.Cryptography;
using Lem.Engine;
using Lem.Models.Synthetic;

namespace Lem.Models.Onnx;

/// <summary>
/// ONNX Runtime GenAI folders converted from Hugging Face folders, cached under <c>LemPaths.CacheRoot()/ortgenai</c>
/// by a fingerprint of the source (SHA-256 over config.json, generation_config.json and every safetensors file's
/// bytes) and the weight format, so a changed checkpoint is converted again and an unchanged one never is.
/// Synthetic models are written as Hugging Face folders first (<see cref="SyntheticModelCache"/>, the same seeded
/// weights every backend loads) and converted from there.
/// </summary>
public sealed class OrtGenAiModelCache(string root)
{
    public string Root { get; } = root;

    public static OrtGenAiModelCache Default() => new(Path.Combine(LemPaths.CacheRoot(), "ortgenai"));

    /// <summary>The converted folder of <paramref name="hfFolder"/> in <paramref name="format"/>, written on first use.</summary>
    public string Resolve(string hfFolder, OnnxWeightFormat format)
    {
        string full = Path.GetFullPath(hfFolder);
        string name = $"{Sanitize(Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)))}-{Fingerprint(full)[..16]}-{format.Tag}-v{OrtGenAiFolderWriter.WriterVersion}";
        return CacheFolder.GetOrCreate(Path.Combine(Root, name), temp => OrtGenAiFolderWriter.Write(full, format, temp),
            $"the ONNX Runtime GenAI conversion of {full} ({format.Tag})");
    }

    /// <summary>synthetic("PRESET", seed = N) as an ONNX Runtime GenAI folder.</summary>
    public string ResolveSynthetic(string preset, long seed, OnnxWeightFormat format, SyntheticModelCache? synthetic = null) =>
        Resolve((synthetic ?? SyntheticModelCache.Default()).Resolve(preset, seed), format);

    public static string Fingerprint(string hfFolder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.GetFiles(hfFolder, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        foreach (var name in new[] { "config.json", "generation_config.json" }.Concat(files!))
        {
            string path = Path.Combine(hfFolder, name!);
            if (!File.Exists(path)) continue;
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
            using var stream = File.OpenRead(path);
            var buffer = new byte[1 << 20];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                sha.AppendData(buffer, 0, n);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray());
}
