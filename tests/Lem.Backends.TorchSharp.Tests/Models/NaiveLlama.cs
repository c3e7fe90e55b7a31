using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

/// <summary>
/// A plain Llama (and Qwen2/Qwen3) forward pass written from the definitions: one head at a time, explicit causal softmax, RoPE angles
/// computed on the host in double, no KV cache and no scaled_dot_product_attention. Reads the checkpoint tensors directly.
/// </summary>
internal static class NaiveLlama
{
    /// <returns>Logits [T, vocab] of every position of one unpadded sequence.</returns>
    public static Tensor Logits(TinyModel m, int[] ids, Func<double[], double[]>? scaleInvFreq = null)
    {
        var c = m.ParsedConfig;
        var w = m.Tensors;
        int T = ids.Length, H = c.NumAttentionHeads, KV = c.NumKeyValueHeads, D = c.HeadDim;
        var half = D / 2;

        var invFreq = new double[half];
        for (var i = 0; i < half; i++) invFreq[i] = 1.0 / Math.Pow(c.Rope!.Theta, 2.0 * i / D);
        if (scaleInvFreq is not null) invFreq = scaleInvFreq(invFreq);
        var cosData = new float[T * half];
        var sinData = new float[T * half];
        for (var t = 0; t < T; t++)
            for (var i = 0; i < half; i++)
            {
                cosData[t * half + i] = (float)Math.Cos(t * invFreq[i]);
                sinData[t * half + i] = (float)Math.Sin(t * invFreq[i]);
            }
        var cos = tensor(cosData, [T, half]);
        var sin = tensor(sinData, [T, half]);

        var causal = full([T, T], double.NegativeInfinity).triu(1);
        var x = w["model.embed_tokens.weight"].index_select(0, tensor(ids.Select(i => (long)i).ToArray()));
        for (var l = 0; l < c.NumHiddenLayers; l++)
        {
            var p = $"model.layers.{l}.";
            var h = RmsNorm(x, w[p + "input_layernorm.weight"], c.NormEps);
            var q = Project(h, w, p + "self_attn.q_proj");
            var k = Project(h, w, p + "self_attn.k_proj");
            var v = Project(h, w, p + "self_attn.v_proj");
            var heads = new List<Tensor>();
            for (var hd = 0; hd < H; hd++)
            {
                var kvh = hd / (H / KV);
                var qh = q.narrow(1, hd * D, D);
                var kh = k.narrow(1, kvh * D, D);
                if (w.TryGetValue(p + "self_attn.q_norm.weight", out var qNorm))
                {
                    // Qwen3: RMSNorm of every head's query and key before RoPE.
                    qh = RmsNorm(qh, qNorm, c.NormEps);
                    kh = RmsNorm(kh, w[p + "self_attn.k_norm.weight"], c.NormEps);
                }
                qh = Rope(qh, cos, sin, half);
                kh = Rope(kh, cos, sin, half);
                var vh = v.narrow(1, kvh * D, D);
                var scores = qh.matmul(kh.t()).div(Math.Sqrt(D)).add(causal);
                var probs = scores.exp().div(scores.exp().sum(1, keepdim: true));
                heads.Add(probs.matmul(vh));
            }
            var attn = cat(heads, 1).matmul(w[p + "self_attn.o_proj.weight"].t());
            x = x.add(attn);
            var h2 = RmsNorm(x, w[p + "post_attention_layernorm.weight"], c.NormEps);
            var gate = h2.matmul(w[p + "mlp.gate_proj.weight"].t());
            var up = h2.matmul(w[p + "mlp.up_proj.weight"].t());
            var act = gate.mul(gate.neg().exp().add(1).reciprocal()).mul(up);
            x = x.add(act.matmul(w[p + "mlp.down_proj.weight"].t()));
        }
        x = RmsNorm(x, w["model.norm.weight"], c.NormEps);
        var head = c.TieWordEmbeddings ? w["model.embed_tokens.weight"] : w["lm_head.weight"];
        return x.matmul(head.t());
    }

    private static Tensor Project(Tensor x, IReadOnlyDictionary<string, Tensor> w, string name)
    {
        var y = x.matmul(w[name + ".weight"].t());
        return w.TryGetValue(name + ".bias", out var b) ? y.add(b) : y;
    }

    private static Tensor RmsNorm(Tensor x, Tensor weight, double eps) =>
        x.div(x.mul(x).mean([1], keepdim: true).add(eps).sqrt()).mul(weight);

    // Pair i with i + D/2: (a, b) → (a·cos − b·sin, b·cos + a·sin).
    private static Tensor Rope(Tensor x, Tensor cos, Tensor sin, int half)
    {
        var a = x.narrow(1, 0, half);
        var b = x.narrow(1, half, half);
        return cat([a.mul(cos).sub(b.mul(sin)), b.mul(cos).add(a.mul(sin))], 1);
    }
}
