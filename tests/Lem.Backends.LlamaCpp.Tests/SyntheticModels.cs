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

    /// <summary>
    /// The tiny preset widened so every matrix row is whole quantization blocks (256 weights): llama.cpp's quantizer
    /// refuses q8_0 and q4_0 for the registered tiny presets, whose intermediate size 172 is not a multiple of 32.
    /// </summary>
    public static SyntheticPreset Quantizable(string arch) =>
        Tiny(arch) with { Name = "tiny256", HiddenSize = 256, IntermediateSize = 512, Heads = 4, KvHeads = 2, HeadDim = 64 };

    /// <summary>The GGUF file of <see cref="Quantizable"/>.</summary>
    public string QuantizableGguf(string arch)
    {
        lock (_gate)
            return Cache.Synthetic(Quantizable(arch), Seed);
    }

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
