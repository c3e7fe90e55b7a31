using Lem.Models.Onnx;

namespace Lem.Backends.OrtGenAi.Tests;

public sealed class QuantizerTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(128)]
    public void Each_weight_dequantizes_within_half_a_step_including_a_padded_last_block(int blockSize)
    {
        const int n = 5, k = 172; // 172 is not a multiple of either block size
        var random = new Random(1);
        var w = Enumerable.Range(0, n * k).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.05f).ToArray();
        var q = Int4BlockQuantizer.Quantize(w, n, k, blockSize);
        Assert.Equal((k + blockSize - 1) / blockSize, q.Blocks);
        Assert.Equal((long)n * q.Blocks * blockSize / 2, q.Packed.LongLength);
        for (int row = 0; row < n; row++)
            for (int col = 0; col < k; col++)
            {
                float step = q.Scales[row * q.Blocks + col / blockSize];
                Assert.InRange(Math.Abs(q.Dequantized(row, col) - w[row * k + col]), 0, step / 2 + 1e-7);
            }
    }

    [Fact]
    public void Zero_and_constant_blocks_stay_exact()
    {
        var w = new float[64];
        Array.Fill(w, 0.25f, 32, 32);
        var q = Int4BlockQuantizer.Quantize(w, 1, 64, 32);
        for (int i = 0; i < 64; i++)
            Assert.Equal(w[i], q.Dequantized(0, i), 6);
    }

    [Fact]
    public void Block_sizes_other_than_32_and_128_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Int4BlockQuantizer.Quantize(new float[64], 1, 64, 64));
}
