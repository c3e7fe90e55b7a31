using System.Globalization;

namespace Lem.Models.Safetensors;

/// <summary>
/// Writes a checkpoint as transformers' <c>save_pretrained</c> does: one <c>model.safetensors</c>, or, when the
/// tensors exceed the shard size, <c>model-00001-of-0000N.safetensors</c> shards plus
/// <c>model.safetensors.index.json</c>.
/// </summary>
public static class SafetensorsCheckpointWriter
{
    /// <summary>transformers' default <c>max_shard_size="5GB"</c> (decimal gigabytes).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    public const string SingleFileName = "model.safetensors";

    /// <summary>Transformers' metadata for PyTorch checkpoints.</summary>
    public static readonly IReadOnlyDictionary<string, string> PtMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>
    /// Writes <paramref name="tensors"/> (in state-dict order, which decides the sharding) into <paramref name="folder"/>.
    /// Returns the files written (shards, then the index if any), as names relative to the folder.
    /// </summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<SafetensorsTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, long maxShardBytes = DefaultMaxShardBytes)
    {
        Directory.CreateDirectory(folder);
        metadata ??= PtMetadata;
        var shards = Split(tensors, maxShardBytes);
        if (shards.Count == 1)
        {
            SafetensorsWriter.Write(Path.Combine(folder, SingleFileName), shards[0], metadata);
            return [SingleFileName];
        }

        var written = new List<string>();
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string name = ShardName(i + 1, shards.Count);
            SafetensorsWriter.Write(Path.Combine(folder, name), shards[i], metadata);
            foreach (var t in shards[i])
                weightMap[t.Name] = name;
            written.Add(name);
        }
        var index = new SafetensorsIndex(tensors.Sum(t => t.ByteLength), weightMap);
        File.WriteAllText(Path.Combine(folder, SafetensorsIndex.FileName), index.ToJson());
        written.Add(SafetensorsIndex.FileName);
        return written;
    }

    public static string ShardName(int number, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"model-{number:00000}-of-{count:00000}.safetensors");

    /// <summary>
    /// Hugging Face's greedy split: a tensor larger than the limit gets a shard of its own; otherwise a new shard
    /// starts when the next tensor would push the current one over the limit.
    /// </summary>
    public static List<List<SafetensorsTensor>> Split(IReadOnlyList<SafetensorsTensor> tensors, long maxShardBytes)
    {
        var shards = new List<List<SafetensorsTensor>>();
        var current = new List<SafetensorsTensor>();
        long currentBytes = 0;
        foreach (var t in tensors)
        {
            long n = t.ByteLength;
            if (n > maxShardBytes)
            {
                shards.Add([t]);
                continue;
            }
            if (currentBytes + n > maxShardBytes)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }
            current.Add(t);
            currentBytes += n;
        }
        if (current.Count > 0 || shards.Count == 0)
            shards.Add(current);
        return shards;
    }
}
