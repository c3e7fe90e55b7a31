using System.Buffers.Binary;
using Lem.Engine.Inference;
using Lem.Models.Safetensors;

namespace Lem.Models.Onnx;

/// <summary>
/// The tensors of a Hugging Face folder's safetensors checkpoint (<c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c> names), read one at a time as fp32 for the ONNX writer.
/// </summary>
public sealed class CheckpointTensors : IDisposable
{
    private readonly List<SafetensorsFile> _files = [];
    private readonly Dictionary<string, SafetensorsFile> _fileOf = new(StringComparer.Ordinal);

    public string Folder { get; }

    /// <summary>The checkpoint files (for fingerprints), as opened.</summary>
    public IReadOnlyList<string> FilePaths => _files.Select(f => f.Path).ToList();

    private CheckpointTensors(string folder) => Folder = folder;

    /// <exception cref="InferenceException">No checkpoint in the folder, a shard is missing, or a header is malformed.</exception>
    public static CheckpointTensors Open(string folder)
    {
        var checkpoint = new CheckpointTensors(folder);
        try
        {
            string indexPath = Path.Combine(folder, SafetensorsIndex.FileName);
            string singlePath = Path.Combine(folder, SafetensorsCheckpointWriter.SingleFileName);
            if (File.Exists(indexPath))
            {
                var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
                foreach (var (tensor, fileName) in SafetensorsIndex.Read(indexPath).WeightMap.OrderBy(kv => kv.Value, StringComparer.Ordinal))
                {
                    if (!opened.TryGetValue(fileName, out var file))
                    {
                        string shard = Path.Combine(folder, fileName);
                        if (!File.Exists(shard))
                            throw new InferenceException($"shard {fileName} (holding tensor '{tensor}') named by {indexPath} is missing. Remedy: copy every shard the index lists.");
                        file = SafetensorsFile.Open(shard);
                        opened[fileName] = file;
                        checkpoint._files.Add(file);
                    }
                    checkpoint._fileOf[tensor] = file.Contains(tensor)
                        ? file
                        : throw new InferenceException($"tensor '{tensor}' is not in {file.Path}, though {indexPath} says so. Remedy: re-download or re-write the checkpoint.");
                }
            }
            else if (File.Exists(singlePath))
            {
                var file = SafetensorsFile.Open(singlePath);
                checkpoint._files.Add(file);
                foreach (var e in file.Entries)
                    checkpoint._fileOf[e.Name] = file;
            }
            else
            {
                throw new InferenceException($"{folder} has neither {SafetensorsCheckpointWriter.SingleFileName} nor {SafetensorsIndex.FileName}. Remedy: give a Hugging Face model folder with safetensors weights (or use synthetic(\"...\")).");
            }
            return checkpoint;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _fileOf.ContainsKey(name);

    public long[] Shape(string name) => Entry(name).Entry.Shape;

    /// <summary>The tensor as fp32 (F32, BF16 and F16 checkpoints), checked against <paramref name="expectedShape"/>.</summary>
    public float[] ReadFloat32(string name, params long[] expectedShape)
    {
        var (file, entry) = Entry(name);
        if (!entry.Shape.SequenceEqual(expectedShape))
            throw new InferenceException($"tensor '{name}' in {file.Path} has shape [{string.Join(", ", entry.Shape)}], but config.json implies [{string.Join(", ", expectedShape)}]. Remedy: check that config.json belongs to this checkpoint.");
        long count = entry.ElementCount;
        if (count > Array.MaxLength)
            throw new InferenceException($"tensor '{name}' has {count} elements, more than one .NET array holds. Remedy: this writer cannot convert a tensor that large.");
        var values = new float[count];
        int elementBytes = entry.DType switch
        {
            "F32" => 4,
            "BF16" or "F16" => 2,
            _ => throw new InferenceException($"tensor '{name}' in {file.Path} is {entry.DType}; the ONNX writer reads F32, BF16 and F16 checkpoints. Remedy: convert the checkpoint to one of those."),
        };
        const int chunkElements = 1 << 22;
        var buffer = new byte[(int)Math.Min(count, chunkElements) * elementBytes];
        for (long first = 0; first < count; first += chunkElements)
        {
            int n = (int)Math.Min(chunkElements, count - first);
            var bytes = buffer.AsSpan(0, n * elementBytes);
            file.Read(entry, bytes, first * elementBytes);
            var target = values.AsSpan((int)first, n);
            switch (entry.DType)
            {
                case "F32":
                    for (int i = 0; i < n; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
                    break;
                case "BF16":
                    for (int i = 0; i < n; i++) target[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2)) << 16);
                    break;
                default:
                    for (int i = 0; i < n; i++) target[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2));
                    break;
            }
        }
        return values;
    }

    private (SafetensorsFile File, SafetensorsEntry Entry) Entry(string name) =>
        _fileOf.TryGetValue(name, out var file)
            ? (file, file.Entry(name))
            : throw new InferenceException($"tensor '{name}' is not in the checkpoint at {Folder}. Remedy: check that the folder's config.json matches its weights.");

    public void Dispose()
    {
        foreach (var f in _files)
            f.Dispose();
        _files.Clear();
    }
}
