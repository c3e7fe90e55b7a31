using Lem.Models.Safetensors;
using Lem.Backends.TorchSharp.Loading;
using Lem.Engine.Inference;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Safetensors;

/// <summary>
/// The tensors of a Hugging Face model folder: <c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c> names. Headers are read on open; tensor data when loaded.
/// </summary>
public sealed class SafetensorsWeightSource : IWeightSource
{
    /// <summary>Bytes read per chunk into a tensor (keeps each span under 2 GB).</summary>
    internal static long ChunkBytes = 1L << 28;

    private readonly List<SafetensorsFile> _files = [];
    private readonly Dictionary<string, SafetensorsFile> _fileOf = new(StringComparer.Ordinal);

    public string Folder { get; }

    public IReadOnlyCollection<string> Names => _fileOf.Keys;

    private SafetensorsWeightSource(string folder) => Folder = folder;

    /// <exception cref="InferenceException">No checkpoint in the folder, a shard named by the index is missing, or a header is malformed.</exception>
    public static SafetensorsWeightSource Open(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InferenceException($"model folder {folder} does not exist. Remedy: give a Hugging Face model folder (config.json, model.safetensors).");
        var source = new SafetensorsWeightSource(folder);
        try
        {
            string indexPath = Path.Combine(folder, SafetensorsIndex.FileName);
            string singlePath = Path.Combine(folder, SafetensorsCheckpointWriter.SingleFileName);
            if (File.Exists(indexPath))
            {
                var index = SafetensorsIndex.Read(indexPath);
                var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
                foreach (var (tensor, fileName) in index.WeightMap.OrderBy(kv => kv.Value, StringComparer.Ordinal))
                {
                    if (!opened.TryGetValue(fileName, out var file))
                    {
                        string shardPath = Path.Combine(folder, fileName);
                        if (!File.Exists(shardPath))
                            throw new InferenceException($"shard {fileName} (holding tensor '{tensor}') named by {indexPath} is missing. Remedy: download or copy every shard the index lists.");
                        file = SafetensorsFile.Open(shardPath);
                        opened[fileName] = file;
                        source._files.Add(file);
                    }
                    if (!file.Contains(tensor))
                        throw new InferenceException($"tensor '{tensor}' is not in {file.Path}, though {indexPath} says so. Remedy: the checkpoint is inconsistent; re-download or re-write it.");
                    source._fileOf[tensor] = file;
                }
            }
            else if (File.Exists(singlePath))
            {
                var file = SafetensorsFile.Open(singlePath);
                source._files.Add(file);
                foreach (var e in file.Entries)
                    source._fileOf[e.Name] = file;
            }
            else
            {
                throw new InferenceException($"{folder} has neither {SafetensorsCheckpointWriter.SingleFileName} nor {SafetensorsIndex.FileName}. Remedy: give a Hugging Face model folder with safetensors weights (or use synthetic(\"...\")).");
            }
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public WeightInfo Info(string name)
    {
        var file = FileOf(name);
        var e = file.Entry(name);
        return new WeightInfo(name, e.Shape, e.DType, file.Path);
    }

    /// <summary>Reads the tensor in its stored dtype on the CPU, moves it to <paramref name="device"/>, then converts to <paramref name="dtype"/>.</summary>
    public torch.Tensor Load(string name, torch.ScalarType dtype, torch.Device device)
    {
        var file = FileOf(name);
        var entry = file.Entry(name);
        var stored = SafetensorsTorchTypes.ToScalarType(entry.DType);
        var cpu = torch.empty(entry.Shape, stored, torch.CPU);
        try
        {
            if (entry.ByteLength > 0)
            {
                using var flat = cpu.view(-1);
                long elementBytes = SafetensorsDType.Size(entry.DType);
                long elementsPerChunk = Math.Max(1, ChunkBytes / elementBytes);
                for (long first = 0; first < entry.ElementCount; first += elementsPerChunk)
                {
                    long count = Math.Min(elementsPerChunk, entry.ElementCount - first);
                    using var chunk = flat.narrow(0, first, count);
                    file.Read(entry, chunk.bytes, first * elementBytes);
                }
            }
            if (device.type == DeviceType.CPU)
            {
                if (stored == dtype)
                    return cpu;
                using (cpu)
                    return cpu.to(dtype);
            }
            torch.Tensor onDevice;
            using (cpu)
                onDevice = cpu.to(device);
            if (stored == dtype)
                return onDevice;
            using (onDevice)
                return onDevice.to(dtype);
        }
        catch
        {
            cpu.Dispose();
            throw;
        }
    }

    private SafetensorsFile FileOf(string name) =>
        _fileOf.TryGetValue(name, out var file)
            ? file
            : throw new InferenceException($"tensor '{name}' is not in the checkpoint at {Folder}. Remedy: check that the model folder matches its config.json architecture.");

    public void Dispose()
    {
        foreach (var f in _files)
            f.Dispose();
        _files.Clear();
    }
}
