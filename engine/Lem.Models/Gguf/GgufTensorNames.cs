using System.Text.RegularExpressions;

namespace Lem.Models.Gguf;

/// <summary>Hugging Face checkpoint names of Llama-family decoders to the names llama.cpp loads (token_embd, blk.N.attn_q, ..., output).</summary>
public static partial class GgufTensorNames
{
    private static readonly Dictionary<string, string> LayerParts = new(StringComparer.Ordinal)
    {
        ["self_attn.q_proj"] = "attn_q",
        ["self_attn.k_proj"] = "attn_k",
        ["self_attn.v_proj"] = "attn_v",
        ["self_attn.o_proj"] = "attn_output",
        ["self_attn.q_norm"] = "attn_q_norm",
        ["self_attn.k_norm"] = "attn_k_norm",
        ["mlp.gate_proj"] = "ffn_gate",
        ["mlp.up_proj"] = "ffn_up",
        ["mlp.down_proj"] = "ffn_down",
        ["input_layernorm"] = "attn_norm",
        ["post_attention_layernorm"] = "ffn_norm",
    };

    [GeneratedRegex(@"^model\.layers\.(\d+)\.(.+)\.(weight|bias)$")]
    private static partial Regex LayerTensor();

    /// <summary>The GGUF name, or null for a tensor llama.cpp does not load (rotary inv_freq buffers).</summary>
    public static string? ToGguf(string hfName)
    {
        switch (hfName)
        {
            case "model.embed_tokens.weight": return "token_embd.weight";
            case "model.norm.weight": return "output_norm.weight";
            case "lm_head.weight": return "output.weight";
        }
        if (hfName.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal))
            return null;
        var m = LayerTensor().Match(hfName);
        if (m.Success && LayerParts.TryGetValue(m.Groups[2].Value, out var part))
            return $"blk.{m.Groups[1].Value}.{part}.{m.Groups[3].Value}";
        throw new ArgumentException($"tensor '{hfName}' has no llama.cpp name", nameof(hfName));
    }
}
