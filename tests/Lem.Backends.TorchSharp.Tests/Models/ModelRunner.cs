using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

internal static class ModelRunner
{
    /// <summary>One unpadded sequence through the model from scratch: logits [T, vocab] of every position.</summary>
    public static Tensor FullLogits(CausalLM model, int[] ids)
    {
        using var cache = model.NewKvCache(1, ids.Length);
        using var positions = arange(ids.Length, dtype: ScalarType.Int64).unsqueeze(0);
        using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        var batch = new ForwardBatch(positions, null, 0, ids.Length - 1, cache, null);
        using var logits = model.Forward(input, batch, allPositions: true);
        return logits[0].clone();
    }

    public static int[] Prompt(int seed, int length)
    {
        var g = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => g.Next(3, TinyModel.Vocab)).ToArray();
    }
}
