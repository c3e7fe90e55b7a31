using Lem.Models.Gguf;
using Lem.Models.Synthetic;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>Tiny synthetic models of each family, written once per test class as safetensors folders and as GGUF, from the same seed.</summary>
public sealed class SyntheticModels : IDisposable
{
    public const long Seed = 7;
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _folders = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("lem-llamacpp-").FullName;
    public GgufModelCache Cache { get; }
    public LlamaCppModule Module { get; }

    public SyntheticModels()
    {
        Cache = new GgufModelCache(Path.Combine(Root, "gguf"));
        Module = new LlamaCppModule(Cache);
    }

    public static SyntheticPreset Tiny(string arch) => SyntheticPresets.Get(arch, "tiny");

    /// <summary>The Hugging Face folder (safetensors) of the family's tiny preset.</summary>
    public string Folder(string arch)
    {
        lock (_gate)
        {
            if (!_folders.TryGetValue(arch, out var folder))
            {
                folder = Path.Combine(Root, "hf", arch);
                SyntheticModelWriter.Write(Tiny(arch), Seed, folder);
                _folders[arch] = folder;
            }
            return folder;
        }
    }

    /// <summary>The GGUF file (f32) of the family's tiny preset, as the module resolves synthetic("ARCH:tiny", seed = 7).</summary>
    public string Gguf(string arch)
    {
        lock (_gate)
            return Module.ResolveModel(Lem.Engine.Config.ModelSpec.Synthetic($"{arch}:tiny", Seed), Root);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
