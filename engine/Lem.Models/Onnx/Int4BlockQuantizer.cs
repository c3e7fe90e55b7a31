namespace Lem.Models.Onnx;

/// <summary>A weight in MatMulNBits' layout: 4-bit values packed two per byte, per-block fp32 scales and packed uint4 zero points.</summary>
/// <param name="Packed">[N, blocks, block_size / 2] bytes; element 2j in the low nibble, 2j+1 in the high one.</param>
/// <param name="Scales">[N × blocks] fp32.</param>
/// <param name="ZeroPoints">[N × ceil(blocks / 2)] bytes; block 2j in the low nibble, 2j+1 in the high one.</param>
public sealed record Int4Weight(int N, int K, int BlockSize, int Blocks, byte[] Packed, float[] Scales, byte[] ZeroPoints)
{
    public long StoredBytes => Packed.LongLength + Scales.LongLength * sizeof(float) + ZeroPoints.LongLength;

    /// <summary>Weight (n, k) as MatMulNBits dequantizes it: (q − zero point) × scale.</summary>
    public float Dequantized(int n, int k)
    {
        int block = k / BlockSize, within = k % BlockSize;
        byte b = Packed[((long)n * Blocks + block) * (BlockSize / 2) + within / 2];
        int q = within % 2 == 0 ? b & 0xF : b >> 4;
        byte zb = ZeroPoints[(long)n * ((Blocks + 1) / 2) + block / 2];
        int zero = block % 2 == 0 ? zb & 0xF : zb >> 4;
        return (q - zero) * Scales[(long)n * Blocks + block];
    }
}

/// <summary>
/// Asymmetric 4-bit block quantization along K (the input dimension) of a linear weight stored [N = out, K = in], as
/// MatMulNBits takes it: per block of <c>block_size</c> consecutive inputs of one output row, scale = (max − min) / 15 over
/// the block's values and 0, zero point = round(−min / scale), q = clamp(round(w / scale) + zero point, 0, 15). A last
/// block shorter than block_size is padded with the zero point (weight 0).
/// </summary>
public static class Int4BlockQuantizer
{
    public static readonly IReadOnlyList<int> BlockSizes = [32, 128];

    public static Int4Weight Quantize(ReadOnlySpan<float> weight, int n, int k, int blockSize)
    {
        if (!BlockSizes.Contains(blockSize))
            throw new ArgumentOutOfRangeException(nameof(blockSize), $"block size {blockSize} is not one of {string.Join(", ", BlockSizes)}");
        if (weight.Length != (long)n * k)
            throw new ArgumentException($"weight has {weight.Length} values, not {n} × {k}", nameof(weight));
        int blocks = (k + blockSize - 1) / blockSize;
        int zeroBytesPerRow = (blocks + 1) / 2;
        var packed = new byte[(long)n * blocks * (blockSize / 2)];
        var scales = new float[(long)n * blocks];
        var zeros = new byte[(long)n * zeroBytesPerRow];
        var q = new int[blockSize];
        for (int row = 0; row < n; row++)
        {
            var values = weight.Slice(row * k, k);
            for (int block = 0; block < blocks; block++)
            {
                int start = block * blockSize, count = Math.Min(blockSize, k - start);
                float min = 0, max = 0;
                for (int i = 0; i < count; i++)
                {
                    min = Math.Min(min, values[start + i]);
                    max = Math.Max(max, values[start + i]);
                }
                float scale = (max - min) / 15f;
                int zero = scale == 0 ? 8 : Math.Clamp((int)MathF.Round(-min / scale), 0, 15);
                for (int i = 0; i < blockSize; i++)
                    q[i] = i >= count || scale == 0 ? zero : Math.Clamp((int)MathF.Round(values[start + i] / scale) + zero, 0, 15);
                long at = ((long)row * blocks + block) * (blockSize / 2);
                for (int i = 0; i < blockSize / 2; i++)
                    packed[at + i] = (byte)(q[2 * i] | (q[2 * i + 1] << 4));
                scales[(long)row * blocks + block] = scale;
                long z = (long)row * zeroBytesPerRow + block / 2;
                zeros[z] = block % 2 == 0 ? (byte)(zeros[z] & 0xF0 | zero) : (byte)(zeros[z] & 0x0F | (zero << 4));
            }
        }
        return new Int4Weight(n, k, blockSize, blocks, packed, scales, zeros);
    }
}
