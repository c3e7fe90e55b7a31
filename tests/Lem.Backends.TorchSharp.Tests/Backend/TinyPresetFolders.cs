using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;

namespace Lem.Backends.TorchSharp.Tests.Backend;

/// <summary>
/// Tiny synthetic presets with a chosen layer count written as Hugging Face folders (once each, in a temporary folder
/// deleted with this object), and the backend that loads them (safetensors reader, the folder's tokenizer).
/// </summary>
internal sealed class TinyPresetFolders(string prefix, int layers, long seed) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The arch's tiny preset with <c>layers</c> layers (tied as given, else as the preset), changed by <paramref name="change"/> (named <paramref name="variant"/>).</summary>
    public string Folder(string arch, bool? tied = null, string variant = "", Func<SyntheticPreset, SyntheticPreset>? change = null)
    {
        var preset = SyntheticPresets.Get(arch, "tiny");
        preset = preset with
        {
            Layers = layers,
            MaxWindowLayers = preset.MaxWindowLayers is null ? null : layers,
            TieWordEmbeddings = tied ?? preset.TieWordEmbeddings,
        };
        if (change is not null) preset = change(preset);
        var folder = Path.Combine(_root, $"{arch}{variant}-{preset.TieWordEmbeddings}");
        if (!Directory.Exists(folder)) SyntheticModelWriter.Write(preset, seed, folder);
        return folder;
    }

    public static TorchSharpBackend Backend() => new(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
