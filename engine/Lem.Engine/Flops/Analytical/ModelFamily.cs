namespace Lem.Engine.Flops.Analytical;

/// <summary>The decoder-only families whose FLOPs and parameters are computed from config.json.</summary>
public enum ModelFamily
{
    /// <summary>model_type "llama": RMSNorm, rotary, grouped-query attention, gated SiLU MLP.</summary>
    Llama,
    /// <summary>model_type "mistral": as Llama, never any linear bias.</summary>
    Mistral,
    /// <summary>model_type "qwen2": as Llama, with q/k/v biases (o_proj has none).</summary>
    Qwen2,
    /// <summary>model_type "qwen3": as Llama, explicit head_dim, RMSNorm on q and k per head.</summary>
    Qwen3,
    /// <summary>model_type "gpt2": LayerNorm, learned position embeddings, multi-head attention, GELU MLP, biases everywhere.</summary>
    Gpt2,
}
