using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lem.Engine.Config;

namespace Lem.Engine.Running;

/// <summary>
/// What a run reads besides its config values, as text for the resume hash: a changed prompt file or a regenerated
/// model folder is not the same run even when the config text is. Prompt files: the SHA-256 of their bytes. Model
/// folders: the SHA-256 of <c>config.json</c> plus the name, size and modification time of every weight, tokenizer and
/// config file at the folder's top level — cheap (no hashing of gigabytes of weights), and any rewrite of a weight
/// file changes its time. A model file (GGUF): its size and modification time. Synthetic models and prompts, and a
/// model location that is no path (a server's model id), contribute nothing: they are config values.
/// </summary>
public static class RunInputFingerprint
{
    /// <summary>Lines <c>input:NAME=FINGERPRINT</c>, empty when the run reads no prompt file and no model folder.</summary>
    public static IReadOnlyList<string> Lines(ExperimentConfig config, string baseFolder)
    {
        var lines = new List<string>();
        if (config.Prompts.IsFile && config.Prompts.OptionalText("path") is { Length: > 0 } promptPath)
            lines.Add("input:prompts.file=" + PromptFile(Resolve(promptPath, baseFolder)));
        if (!config.Model.IsSynthetic && config.Model.Location is { Length: > 0 })
        {
            var path = config.Model.PathFrom(baseFolder);
            if (File.Exists(path)) lines.Add("input:model.file=" + FileStamp(new FileInfo(path)));
            else if (Directory.Exists(path)) lines.Add("input:model.folder=" + ModelFolder(path));
        }
        return lines;
    }

    /// <summary><c>sha256:HEX</c> of the file's bytes, or <c>missing</c>.</summary>
    public static string PromptFile(string path)
    {
        if (!File.Exists(path)) return "missing";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// <c>config.json</c>'s SHA-256, then <c>name:size:mtime-ticks</c> of each top-level <c>*.safetensors</c>,
    /// <c>*.json</c>, <c>*.txt</c> and <c>*.model</c> file in ordinal name order (symbolic links, as in the Hugging Face
    /// cache, by their target); <c>missing</c> when the folder does not exist.
    /// </summary>
    public static string ModelFolder(string folder)
    {
        if (!Directory.Exists(folder)) return "missing";
        var text = new StringBuilder();
        var config = Path.Combine(folder, "config.json");
        text.Append("config.json=").Append(File.Exists(config) ? PromptFile(config) : "missing");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Path.GetExtension(f) is ".safetensors" or ".json" or ".txt" or ".model")
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            text.Append(';').Append(Path.GetFileName(file)).Append(':').Append(target is null || !target.Exists ? "missing" : FileStamp(target));
        }
        return text.ToString();
    }

    /// <summary><c>size:mtime-ticks</c> of a file.</summary>
    private static string FileStamp(FileInfo file) =>
        file.Length.ToString(CultureInfo.InvariantCulture) + ":" + file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture);

    /// <summary>A path from the config, relative to the script's folder unless rooted (as the runner resolves it).</summary>
    private static string Resolve(string path, string baseFolder) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseFolder, path));
}
