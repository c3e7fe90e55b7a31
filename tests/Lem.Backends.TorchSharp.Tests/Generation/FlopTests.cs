using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.Generation;

public class FlopTests
{
    [Fact]
    public void Traced_flops_of_a_tiny_llama_equal_the_hand_count()
    {
        // hidden 32, 4 heads, 2 KV heads, head_dim 8, intermediate 48, 2 layers, vocab 64 (untied head).
        // Batch 2 padded to 5 prompt tokens, 4 new tokens, so 3 decode steps with key lengths 6, 7, 8.
        using var model = TinyModel.Llama().Build();
        var result = TextGenerator.Generate(model, [ModelRunner.Prompt(1, 5), ModelRunner.Prompt(2, 3)], new GenerationSettings(4), eosTokenIds: []);

        // Per token and layer: q 2·32·32 + k 2·32·16 + v 2·32·16 + o 2·32·32 + gate, up, down 3 · 2·32·48.
        const double perTokenLayer = 2048 + 1024 + 1024 + 2048 + 3 * 3072;
        const double perToken = 2 * perTokenLayer;
        const double lmHead = 2 * 2 * 32 * 64;  // batch 2, last position only
        static double Attention(long q, long kv) => 2 * (2.0 * 2 * 4 * q * kv * 8) * 2;  // QK and AV, b 2, h 4, d 8, 2 layers

        var prefill = 2 * 5 * perToken + Attention(5, 5) + lmHead;
        var decode = 3 * (2 * perToken + lmHead) + Attention(1, 6) + Attention(1, 7) + Attention(1, 8);
        Assert.Equal(328192, prefill);
        Assert.Equal(prefill, result.TracedFlops!.PrefillFlops);
        Assert.Equal(decode, result.TracedFlops.DecodeFlops);
    }

    [Fact]
    public void Gpt2_flops_count_the_fused_projection_and_tied_head()
    {
        // hidden 32, 4 heads, head_dim 8, MLP 128, 2 layers, vocab 64, tied head. One prompt of 3 tokens, 2 new tokens.
        using var model = TinyModel.Gpt2().Build();
        var result = TextGenerator.Generate(model, [ModelRunner.Prompt(1, 3)], new GenerationSettings(2), eosTokenIds: []);
        const double perToken = 2 * (2.0 * 32 * 96 + 2.0 * 32 * 32 + 2.0 * 32 * 128 + 2.0 * 128 * 32);
        const double lmHead = 2.0 * 32 * 64;
        static double Attention(long q, long kv) => 2 * (2.0 * 4 * q * kv * 8) * 2;
        Assert.Equal(3 * perToken + Attention(3, 3) + lmHead, result.TracedFlops!.PrefillFlops);
        Assert.Equal(perToken + Attention(1, 4) + lmHead, result.TracedFlops.DecodeFlops);
    }
}
