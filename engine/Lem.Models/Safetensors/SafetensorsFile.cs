using Lem.Engine.Inference;
using Microsoft.Win32.SafeHandles;

namespace Lem.Models.Safetensors;

/// <summary>
/// One open safetensors file: its parsed header and positioned reads of tensor bytes (no whole-file buffering).
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, SafetensorsEntry> _byName;

    public string Path { get; }
    public IReadOnlyList<SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string>? Metadata { get; }
    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    private SafetensorsFile(string path, SafeFileHandle handle, IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata, long dataStart)
    {
        Path = path;
        _handle = handle;
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
        _byName = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
            if (!_byName.TryAdd(e.Name, e))
                throw new InferenceException($"{path}: tensor '{e.Name}' appears twice in the header. Remedy: the file is damaged; re-write it.");
    }

    /// <exception cref="InferenceException">The file is missing or its header is malformed.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new InferenceException($"safetensors file {path} does not exist. Remedy: check the model folder (re-download or re-generate it).");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8)
                throw new InferenceException($"{path}: {length} bytes is too short for a safetensors file (8-byte header length first). Remedy: the file is damaged or empty; re-write it.");
            Span<byte> lengthBytes = stackalloc byte[8];
            ReadExactly(handle, lengthBytes, 0, path);
            ulong headerLength = BitConverter.ToUInt64(lengthBytes);
            if (headerLength > (ulong)SafetensorsHeader.MaxHeaderBytes || headerLength > (ulong)(length - 8))
                throw new InferenceException($"{path}: header length {headerLength} is larger than {(headerLength > (ulong)SafetensorsHeader.MaxHeaderBytes ? "the 100 MB limit" : $"the rest of the file ({length - 8} bytes)")}. Remedy: the file is damaged or not safetensors; re-download or re-write it.");
            byte[] header = new byte[(int)headerLength];
            ReadExactly(handle, header, 8, path);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(header, path, length - dataStart);
            return new SafetensorsFile(path, handle, entries, metadata, dataStart);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafetensorsEntry Entry(string name) =>
        _byName.TryGetValue(name, out var e) ? e : throw new InferenceException($"tensor '{name}' is not in {Path}. Remedy: check the checkpoint matches the model architecture.");

    /// <summary>Reads <paramref name="destination"/>.Length bytes of a tensor, starting <paramref name="offsetInTensor"/> bytes into it.</summary>
    public void Read(SafetensorsEntry entry, Span<byte> destination, long offsetInTensor = 0)
    {
        if (offsetInTensor < 0 || offsetInTensor + destination.Length > entry.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(offsetInTensor), $"read of {destination.Length} bytes at {offsetInTensor} is outside tensor '{entry.Name}' ({entry.ByteLength} bytes)");
        ReadExactly(_handle, destination, DataStart + entry.Begin + offsetInTensor, Path);
    }

    /// <summary>All bytes of one tensor (up to 2 GB).</summary>
    public byte[] ReadBytes(string name)
    {
        var entry = Entry(name);
        byte[] bytes = new byte[checked((int)entry.ByteLength)];
        Read(entry, bytes);
        return bytes;
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long fileOffset, string path)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[done..], fileOffset + done);
            if (n == 0)
                throw new InferenceException($"{path}: the file ends early (wanted bytes up to offset {fileOffset + buffer.Length}). Remedy: the file is truncated; re-download or re-write it.");
            done += n;
        }
    }

    public void Dispose() => _handle.Dispose();
}
