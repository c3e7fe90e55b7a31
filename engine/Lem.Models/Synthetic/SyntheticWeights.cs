using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Lem.Models.Synthetic;

/// <summary>
/// Deterministic weights: element i of a tensor is a pure function of (seed, tensor name, i), computed by a
/// counter-based SplitMix64 hash, so blocks are generated in parallel and streamed without holding a tensor
/// twice, and the same seed gives the same bytes on any machine and thread count.
/// Normal values are the sum of four 16-bit uniforms (Irwin–Hall), rescaled to standard deviation 0.02: close to
/// normal, bounded at ±3.46 σ, and an order of magnitude cheaper than Box–Muller.
/// </summary>
public static class SyntheticWeights
{
    public const double InitializerRange = 0.02;

    /// <summary>Elements generated per parallel work item.</summary>
    private const int ChunkElements = 1 << 20;
    /// <summary>Elements per block written to the stream (memory held while writing: one block).</summary>
    private const int BlockElements = 1 << 24;

    public static ulong TensorKey(long seed, string name)
    {
        ulong h = 14695981039346656037UL; // FNV-1a 64 of the UTF-8 name, then mixed with the seed
        foreach (byte b in Encoding.UTF8.GetBytes(name))
            h = (h ^ b) * 1099511628211UL;
        return Mix(h ^ Mix((ulong)seed));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private const double UniformSumMean = 2 * 65535.0;
    /// <summary>0.02 / standard deviation of the sum of four uniforms on [0, 65535] (variance 4 * (65536^2 - 1) / 12).</summary>
    private static readonly double UniformSumScale = InitializerRange / Math.Sqrt(4 * (65536.0 * 65536.0 - 1) / 12);

    /// <summary>Element <paramref name="index"/> of a Normal tensor (as float32).</summary>
    public static float NormalValue(ulong key, long index)
    {
        ulong r = Mix(key + (ulong)(index + 1) * 0x9E3779B97F4A7C15UL);
        double sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
        return (float)((sum - UniformSumMean) * UniformSumScale);
    }

    /// <summary>Writes the tensor's bytes in <paramref name="dtype"/> (<c>F32</c> or <c>BF16</c>) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, SyntheticTensorSpec spec, string dtype, long seed)
    {
        int elementBytes = dtype switch { "F32" => 4, "BF16" => 2, _ => throw new ArgumentException($"synthetic weights are F32 or BF16, not {dtype}") };
        ulong key = TensorKey(seed, spec.Name);
        long total = spec.ElementCount;
        byte[] block = new byte[(int)Math.Min(total, BlockElements) * elementBytes];
        for (long start = 0; start < total; start += BlockElements)
        {
            int count = (int)Math.Min(BlockElements, total - start);
            int chunks = (count + ChunkElements - 1) / ChunkElements;
            long blockStart = start;
            Parallel.For(0, chunks, c =>
            {
                int first = c * ChunkElements;
                int n = Math.Min(ChunkElements, count - first);
                Fill(block.AsSpan(first * elementBytes, n * elementBytes), spec.Init, key, blockStart + first, n, elementBytes);
            });
            output.Write(block, 0, count * elementBytes);
        }
    }

    private static void Fill(Span<byte> destination, SyntheticInit init, ulong key, long firstIndex, int count, int elementBytes)
    {
        if (init != SyntheticInit.Normal)
        {
            float constant = init == SyntheticInit.Ones ? 1f : 0f;
            for (int i = 0; i < count; i++)
                Store(destination, i, constant, elementBytes);
            return;
        }
        if (BitConverter.IsLittleEndian && elementBytes == 4)
        {
            var floats = MemoryMarshal.Cast<byte, float>(destination);
            for (int i = 0; i < count; i++)
                floats[i] = NormalValue(key, firstIndex + i);
        }
        else if (BitConverter.IsLittleEndian)
        {
            var halves = MemoryMarshal.Cast<byte, ushort>(destination);
            for (int i = 0; i < count; i++)
                halves[i] = ToBFloat16(NormalValue(key, firstIndex + i));
        }
        else
        {
            for (int i = 0; i < count; i++)
                Store(destination, i, NormalValue(key, firstIndex + i), elementBytes);
        }
    }

    private static void Store(Span<byte> destination, int i, float v, int elementBytes)
    {
        if (elementBytes == 4)
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * 4, 4), v);
        else
            BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(i * 2, 2), ToBFloat16(v));
    }

    /// <summary>float32 to bfloat16 bits, rounding to nearest even (the values here are finite).</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }
}
