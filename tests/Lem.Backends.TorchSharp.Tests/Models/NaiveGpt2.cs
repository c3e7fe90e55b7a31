using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

/// <summary>
/// A plain GPT-2 forward pass from the definitions: Conv1D as x·W with W [in, out], LayerNorm and gelu_new written
/// out, one head at a time, explicit causal softmax. Reads the checkpoint tensors (unprefixed names) directly.
/// </summary>
internal static class NaiveGpt2
{
    public static Tensor Logits(TinyModel m, int[] ids)
    {
        var c = m.ParsedConfig;
        var w = m.Tensors;
        int T = ids.Length, H = c.NumAttentionHeads, D = c.HeadDim, E = c.HiddenSize;
        var causal = full([T, T], double.NegativeInfinity).triu(1);
        var x = w["wte.weight"].index_select(0, tensor(ids.Select(i => (long)i).ToArray())).add(w["wpe.weight"].narrow(0, 0, T));
        for (var l = 0; l < c.NumHiddenLayers; l++)
        {
            var p = $"h.{l}.";
            var h = LayerNorm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], c.NormEps);
            var qkv = h.matmul(w[p + "attn.c_attn.weight"]).add(w[p + "attn.c_attn.bias"]);
            var heads = new List<Tensor>();
            for (var hd = 0; hd < H; hd++)
            {
                var q = qkv.narrow(1, hd * D, D);
                var k = qkv.narrow(1, E + hd * D, D);
                var v = qkv.narrow(1, 2 * E + hd * D, D);
                var scores = q.matmul(k.t()).div(Math.Sqrt(D)).add(causal);
                var probs = scores.exp().div(scores.exp().sum(1, keepdim: true));
                heads.Add(probs.matmul(v));
            }
            x = x.add(cat(heads, 1).matmul(w[p + "attn.c_proj.weight"]).add(w[p + "attn.c_proj.bias"]));
            var h2 = LayerNorm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], c.NormEps);
            var inner = h2.matmul(w[p + "mlp.c_fc.weight"]).add(w[p + "mlp.c_fc.bias"]);
            var cube = inner.mul(inner).mul(inner);
            var gelu = inner.mul(0.5).mul(inner.add(cube.mul(0.044715)).mul(Math.Sqrt(2 / Math.PI)).tanh().add(1));
            x = x.add(gelu.matmul(w[p + "mlp.c_proj.weight"]).add(w[p + "mlp.c_proj.bias"]));
        }
        x = LayerNorm(x, w["ln_f.weight"], w["ln_f.bias"], c.NormEps);
        return x.matmul(w["wte.weight"].t());
    }

    private static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        var centered = x.sub(x.mean([1], keepdim: true));
        var variance = centered.mul(centered).mean([1], keepdim: true);
        return centered.div(variance.add(eps).sqrt()).mul(weight).add(bias);
    }
}
