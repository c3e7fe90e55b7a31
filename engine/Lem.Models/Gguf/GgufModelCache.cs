using System.Security.Cryptography;
using System.Text;
using Lem.Engine;
using Lem.Engine.Inference;
using Lem.Models.Synthetic;

namespace Lem.Models.Gguf;

/// <summary>
/// GGUF files lem makes, cached under <c>&lt;cache root&gt;/gguf</c> and keyed by what they are made from: a synthetic
/// preset and seed, a Hugging Face folder's fingerprint (its files' names, sizes and times), or a source GGUF's
/// fingerprint plus a quantization type. Each is written to a temporary file and renamed into place, so an
/// interrupted write leaves nothing under the final name; concurrent first uses may both write, and the same bytes win.
/// </summary>
public sealed class GgufModelCache(string root)
{
    /// <summary>Changes whenever the bytes written for the same source change; part of every cached name.</summary>
    public const int WriterVersion = 1;

    public string Root { get; } = root;

    public static GgufModelCache Default() => new(Path.Combine(LemPaths.CacheRoot(), "gguf"));

    /// <summary>A synthetic preset as GGUF in its own float type (F32 tiny presets, BF16 real shapes), written on first use.</summary>
    public string Synthetic(SyntheticPreset preset, long seed)
    {
        string path = Path.Combine(Root, $"{preset.Arch}-{preset.Name}-seed{seed}-w{SyntheticModelWriter.WriterVersion}-g{WriterVersion}.gguf");
        if (File.Exists(path))
            return path;
        using var source = GgufSourceModel.FromSynthetic(preset, seed);
        return Write(source, GgufOutType.Source, path, $"synthetic model {preset.Spec}");
    }

    /// <summary>A Hugging Face folder as GGUF (<paramref name="outType"/>), written on first use and again whenever its files change.</summary>
    public string Converted(string folder, GgufOutType outType = GgufOutType.Source)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        string path = Path.Combine(Root, "converted", $"{name}-{FolderFingerprint(folder)}-{GgufOutTypes.Name(outType)}-g{WriterVersion}.gguf");
        if (File.Exists(path))
            return path;
        using var source = GgufSourceModel.FromFolder(folder);
        return Write(source, outType, path, $"model folder {folder}");
    }

    /// <summary>
    /// The cached result of quantizing <paramref name="sourceGguf"/> to <paramref name="typeName"/>; on first use
    /// <paramref name="quantize"/>(source, temporary path) writes it, and it is renamed into place.
    /// <paramref name="quantizerIdentity"/> names the quantizer (its library and version), so another quantizer writes anew.
    /// </summary>
    public string Quantized(string sourceGguf, string typeName, string quantizerIdentity, Action<string, string> quantize)
    {
        string stem = Path.GetFileNameWithoutExtension(sourceGguf);
        string fingerprint = Hash(FileFingerprint(sourceGguf) + "|" + typeName + "|" + quantizerIdentity);
        string path = Path.Combine(Root, "quantized", $"{stem}-{fingerprint}-{typeName}.gguf");
        if (File.Exists(path))
            return path;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var temp = TemporaryFiles.Track(TemporaryFiles.PathBeside(path)))
            {
                quantize(sourceGguf, temp.Path);
                File.Move(temp.Path, path, overwrite: true);
            }
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InferenceException($"the {typeName} quantization of {sourceGguf} cannot be written to the cache {Root}: {e.Message}. Remedy: free disk space or set LEM_CACHE_DIR to a writable folder.", e);
        }
    }

    private static string Write(GgufSourceModel source, GgufOutType outType, string path, string what)
    {
        try
        {
            GgufModelWriter.Write(source, outType, path);
            return path;
        }
        catch (Exception e) when (e is UnauthorizedAccessException)
        {
            throw new InferenceException($"{what} cannot be written as GGUF to {path}: {e.Message}. Remedy: set LEM_CACHE_DIR to a writable folder.", e);
        }
    }

    /// <summary>Names, sizes and modification times of a folder's files (not their bytes: a checkpoint can be many GB).</summary>
    public static string FolderFingerprint(string folder)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            text.Append(FileFingerprint(file)).Append('\n');
        return Hash(text.ToString());
    }

    private static string FileFingerprint(string file)
    {
        var info = new FileInfo(file);
        return $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
