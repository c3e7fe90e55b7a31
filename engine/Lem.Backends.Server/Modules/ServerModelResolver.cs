using Lem.Backends.Server.Engines;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Synthetic;

namespace Lem.Backends.Server.Modules;

/// <summary>
/// What <c>model</c> names for a server: a local Hugging Face folder or GGUF file the server loads (made absolute), a
/// synthetic model written as a Hugging Face folder into lem's cache, or else a model id the server knows. A value
/// that looks like a path (starts with /, ./, ../ or ~, or ends in .gguf) must exist; any other text that is not an
/// existing path is a model id. The same input always resolves to the same text, so server reuse keys stay stable.
/// </summary>
public static class ServerModelResolver
{
    public static string Resolve(ServerEngine engine, ModelSpec model, string baseFolder, Func<string, long, string> syntheticFolder,
        Func<string, long, string>? syntheticGguf)
    {
        if (model.IsSynthetic)
        {
            if (engine.ModelSources.Contains(ModelSourceKind.Synthetic)) return syntheticFolder(model.SyntheticPreset!, model.SyntheticSeed);
            if (engine.ModelSources.Contains(ModelSourceKind.GgufFile) && syntheticGguf is not null) return syntheticGguf(model.SyntheticPreset!, model.SyntheticSeed);
            throw new InferenceException($"backend = {engine.Name} cannot serve {model}: lem writes synthetic models for it only " +
                (engine.ModelSources.Contains(ModelSourceKind.GgufFile) ? "as GGUF files, and this build has no GGUF writer; give a .gguf file." : "for engines that load Hugging Face folders; give a model the server knows."));
        }
        return Location(engine, model.Location!, baseFolder);
    }

    /// <summary>What a model path or id names, without writing anything: an existing path the engine loads (made absolute), or a model id.</summary>
    /// <exception cref="InferenceException">A path that does not exist, or one the engine does not load.</exception>
    public static string Location(ServerEngine engine, string text, string baseFolder)
    {
        var looksLikePath = text.StartsWith('/') || text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith("../", StringComparison.Ordinal)
            || text.StartsWith('~') || text.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
        var path = PathOf(text, baseFolder);
        var gguf = text.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
        if (File.Exists(path) && gguf && engine.ModelSources.Contains(ModelSourceKind.GgufFile)) return path;
        if (Directory.Exists(path) && engine.ModelSources.Contains(ModelSourceKind.HuggingFaceFolder)) return path;
        if (looksLikePath)
        {
            if (gguf && !engine.ModelSources.Contains(ModelSourceKind.GgufFile))
                throw new InferenceException($"model \"{text}\" is a GGUF file, which backend = {engine.Name} does not load: use backend = llama_server, or give a Hugging Face folder or model id.");
            if (Directory.Exists(path) && !engine.ModelSources.Contains(ModelSourceKind.HuggingFaceFolder))
                throw new InferenceException($"model \"{text}\" is a folder, which backend = {engine.Name} does not load: " +
                    (engine.ModelSources.Contains(ModelSourceKind.GgufFile) ? "give a .gguf file." : "give the name of a model the server knows."));
            throw new InferenceException($"model \"{text}\" does not exist (looked for {path}): give an existing {(gguf ? "GGUF file" : "folder")}, or a model id the server knows.");
        }
        if (!engine.ModelSources.Contains(ModelSourceKind.ServerModelId))
            throw new InferenceException($"model \"{text}\" is not an existing file or folder (looked for {path}): backend = {engine.Name} needs a local model.");
        return text;
    }

    /// <summary>The path a model text would name: relative to <paramref name="baseFolder"/>, <c>~</c> the home folder.</summary>
    public static string PathOf(string text, string baseFolder) =>
        Path.GetFullPath(Path.Combine(baseFolder, text.StartsWith('~') ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), text.TrimStart('~', '/')) : text));

    /// <summary>Synthetic models as Hugging Face folders from lem's shared cache (the weights every backend uses).</summary>
    public static string SyntheticFolder(string preset, long seed) => SyntheticModelCache.Default().Resolve(preset, seed);
}
