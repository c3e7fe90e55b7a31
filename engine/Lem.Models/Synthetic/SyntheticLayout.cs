namespace Lem.Models.Synthetic;

/// <summary>The tensors of each family's checkpoint, named and shaped as transformers' save_pretrained writes them, in state-dict order.</summary>
public static class SyntheticLayout
{
    public static IReadOnlyList<SyntheticTensorSpec> Tensors(SyntheticPreset p) =>
        p.Arch == "gpt2" ? Gpt2(p) : LlamaLike(p);

    /// <summary>Llama, Mistral, Qwen2 (q/k/v biases), Qwen3 (q_norm/k_norm). Linear weights are [out, in].</summary>
    private static List<SyntheticTensorSpec> LlamaLike(SyntheticPreset p)
    {
        long h = p.HiddenSize, q = (long)p.Heads * p.HeadDim, kv = (long)p.KvHeads * p.HeadDim, i = p.IntermediateSize;
        var t = new List<SyntheticTensorSpec> { new("model.embed_tokens.weight", [p.VocabSize, h], SyntheticInit.Normal) };
        for (int l = 0; l < p.Layers; l++)
        {
            string a = $"model.layers.{l}.self_attn.", m = $"model.layers.{l}.mlp.";
            t.Add(new(a + "q_proj.weight", [q, h], SyntheticInit.Normal));
            if (p.Arch == "qwen2")
                t.Add(new(a + "q_proj.bias", [q], SyntheticInit.Zeros));
            t.Add(new(a + "k_proj.weight", [kv, h], SyntheticInit.Normal));
            if (p.Arch == "qwen2")
                t.Add(new(a + "k_proj.bias", [kv], SyntheticInit.Zeros));
            t.Add(new(a + "v_proj.weight", [kv, h], SyntheticInit.Normal));
            if (p.Arch == "qwen2")
                t.Add(new(a + "v_proj.bias", [kv], SyntheticInit.Zeros));
            t.Add(new(a + "o_proj.weight", [h, q], SyntheticInit.Normal));
            if (p.Arch == "qwen3")
            {
                t.Add(new(a + "q_norm.weight", [p.HeadDim], SyntheticInit.Ones));
                t.Add(new(a + "k_norm.weight", [p.HeadDim], SyntheticInit.Ones));
            }
            t.Add(new(m + "gate_proj.weight", [i, h], SyntheticInit.Normal));
            t.Add(new(m + "up_proj.weight", [i, h], SyntheticInit.Normal));
            t.Add(new(m + "down_proj.weight", [h, i], SyntheticInit.Normal));
            t.Add(new($"model.layers.{l}.input_layernorm.weight", [h], SyntheticInit.Ones));
            t.Add(new($"model.layers.{l}.post_attention_layernorm.weight", [h], SyntheticInit.Ones));
        }
        t.Add(new("model.norm.weight", [h], SyntheticInit.Ones));
        if (!p.TieWordEmbeddings)
            t.Add(new("lm_head.weight", [p.VocabSize, h], SyntheticInit.Normal));
        return t;
    }

    /// <summary>GPT-2: Conv1D weights are [in, out]; the head is tied to wte and not saved.</summary>
    private static List<SyntheticTensorSpec> Gpt2(SyntheticPreset p)
    {
        long h = p.HiddenSize, i = p.IntermediateSize;
        var t = new List<SyntheticTensorSpec>
        {
            new("transformer.wte.weight", [p.VocabSize, h], SyntheticInit.Normal),
            new("transformer.wpe.weight", [p.MaxPositionEmbeddings, h], SyntheticInit.Normal),
        };
        for (int l = 0; l < p.Layers; l++)
        {
            string b = $"transformer.h.{l}.";
            t.Add(new(b + "ln_1.weight", [h], SyntheticInit.Ones));
            t.Add(new(b + "ln_1.bias", [h], SyntheticInit.Zeros));
            t.Add(new(b + "attn.c_attn.weight", [h, 3 * h], SyntheticInit.Normal));
            t.Add(new(b + "attn.c_attn.bias", [3 * h], SyntheticInit.Zeros));
            t.Add(new(b + "attn.c_proj.weight", [h, h], SyntheticInit.Normal));
            t.Add(new(b + "attn.c_proj.bias", [h], SyntheticInit.Zeros));
            t.Add(new(b + "ln_2.weight", [h], SyntheticInit.Ones));
            t.Add(new(b + "ln_2.bias", [h], SyntheticInit.Zeros));
            t.Add(new(b + "mlp.c_fc.weight", [h, i], SyntheticInit.Normal));
            t.Add(new(b + "mlp.c_fc.bias", [i], SyntheticInit.Zeros));
            t.Add(new(b + "mlp.c_proj.weight", [i, h], SyntheticInit.Normal));
            t.Add(new(b + "mlp.c_proj.bias", [h], SyntheticInit.Zeros));
        }
        t.Add(new("transformer.ln_f.weight", [h], SyntheticInit.Ones));
        t.Add(new("transformer.ln_f.bias", [h], SyntheticInit.Zeros));
        return t;
    }
}
