using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>The next-token logits after a prompt, for correctness checks against a reference implementation.</summary>
public static class PrefillLogits
{
    /// <summary>fp32 logits of the prompt's last position, [vocab], from one unpadded prefill.</summary>
    public static float[] Of(CausalLM model, int[] prompt) => Prefill(model, prompt, allPositions: false);

    /// <summary>fp32 logits of every position of the prompt, [positions · vocab] flattened, from one unpadded prefill.</summary>
    public static float[] OfEveryPosition(CausalLM model, int[] prompt) => Prefill(model, prompt, allPositions: true);

    private static float[] Prefill(CausalLM model, int[] prompt, bool allPositions)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        using var cache = model.NewKvCache(1, prompt.Length);
        var ids = tensor(prompt.Select(t => (long)t).ToArray(), int64, model.Device).view(1, prompt.Length);
        var positions = arange(prompt.Length, int64, model.Device).view(1, prompt.Length);
        var logits = model.Forward(ids, new ForwardBatch(positions, null, 0, prompt.Length - 1, cache, null), allPositions);
        return logits.to(float32).cpu().data<float>().ToArray();
    }

    public static float[] PrefillLogitsOf(this TorchSharpModel model, int[] prompt) => Of(model.Model, prompt);
}
