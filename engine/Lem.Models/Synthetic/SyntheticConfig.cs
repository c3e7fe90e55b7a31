using Lem.Models.Tokenization;

namespace Lem.Models.Synthetic;

/// <summary>
/// config.json, generation_config.json and tokenizer_config.json of a synthetic model, with the keys transformers
/// writes for each family (its to_diff_dict output: the family's own keys plus the base keys that differ).
/// </summary>
public static class SyntheticConfig
{
    /// <summary>The transformers version recorded in the files (the format follows 4.5x: both torch_dtype and dtype).</summary>
    public const string TransformersVersion = "4.57.1";

    public static Dictionary<string, object?> Config(SyntheticPreset p)
    {
        object eos = p.EosTokenIds.Length == 1 ? p.EosTokenIds[0] : p.EosTokenIds.Cast<object?>().ToList();
        var c = p.Arch == "gpt2" ? Gpt2(p) : LlamaLike(p);
        c["bos_token_id"] = p.BosTokenId;
        c["eos_token_id"] = eos;
        c["torch_dtype"] = p.DType;
        c["dtype"] = p.DType;
        c["transformers_version"] = TransformersVersion;
        c["use_cache"] = true;
        c["vocab_size"] = p.VocabSize;
        return c;
    }

    private static Dictionary<string, object?> LlamaLike(SyntheticPreset p)
    {
        var c = new Dictionary<string, object?>
        {
            ["architectures"] = new object?[] { p.Arch switch { "llama" => "LlamaForCausalLM", "mistral" => "MistralForCausalLM", "qwen2" => "Qwen2ForCausalLM", _ => "Qwen3ForCausalLM" } },
            ["model_type"] = p.Arch,
            ["attention_dropout"] = 0.0,
            ["head_dim"] = p.HeadDim,
            ["hidden_act"] = "silu",
            ["hidden_size"] = p.HiddenSize,
            ["initializer_range"] = SyntheticWeights.InitializerRange,
            ["intermediate_size"] = p.IntermediateSize,
            ["max_position_embeddings"] = p.MaxPositionEmbeddings,
            ["num_attention_heads"] = p.Heads,
            ["num_hidden_layers"] = p.Layers,
            ["num_key_value_heads"] = p.KvHeads,
            ["rms_norm_eps"] = p.NormEps,
            ["rope_theta"] = p.RopeTheta,
            ["tie_word_embeddings"] = p.TieWordEmbeddings,
        };
        switch (p.Arch)
        {
            case "llama":
                c["attention_bias"] = false;
                c["mlp_bias"] = false;
                c["pretraining_tp"] = 1;
                c["rope_scaling"] = p.RopeScaling is null ? null : new Dictionary<string, object?>
                {
                    ["factor"] = p.RopeScaling.Factor,
                    ["high_freq_factor"] = p.RopeScaling.HighFreqFactor,
                    ["low_freq_factor"] = p.RopeScaling.LowFreqFactor,
                    ["original_max_position_embeddings"] = p.RopeScaling.OriginalMaxPositionEmbeddings,
                    ["rope_type"] = "llama3",
                };
                break;
            case "mistral":
                c["sliding_window"] = p.SlidingWindow;
                break;
            case "qwen2":
                c["max_window_layers"] = p.MaxWindowLayers;
                c["rope_scaling"] = null;
                c["sliding_window"] = p.SlidingWindow;
                c["use_sliding_window"] = false;
                break;
            case "qwen3":
                c["attention_bias"] = false;
                c["max_window_layers"] = p.MaxWindowLayers;
                c["rope_scaling"] = null;
                c["sliding_window"] = null;
                c["use_sliding_window"] = false;
                break;
        }
        return c;
    }

    private static Dictionary<string, object?> Gpt2(SyntheticPreset p) => new()
    {
        ["activation_function"] = "gelu_new",
        ["architectures"] = new object?[] { "GPT2LMHeadModel" },
        ["attn_pdrop"] = 0.1,
        ["embd_pdrop"] = 0.1,
        ["initializer_range"] = SyntheticWeights.InitializerRange,
        ["layer_norm_epsilon"] = p.NormEps,
        ["model_type"] = "gpt2",
        ["n_ctx"] = p.MaxPositionEmbeddings,
        ["n_embd"] = p.HiddenSize,
        ["n_head"] = p.Heads,
        ["n_inner"] = null,
        ["n_layer"] = p.Layers,
        ["n_positions"] = p.MaxPositionEmbeddings,
        ["reorder_and_upcast_attn"] = false,
        ["resid_pdrop"] = 0.1,
        ["scale_attn_by_inverse_layer_idx"] = false,
        ["scale_attn_weights"] = true,
        ["summary_activation"] = null,
        ["summary_first_dropout"] = 0.1,
        ["summary_proj_to_labels"] = true,
        ["summary_type"] = "cls_index",
        ["summary_use_proj"] = true,
    };

    /// <summary>What save_pretrained writes for a model built from its config (greedy by default).</summary>
    public static Dictionary<string, object?> GenerationConfig(SyntheticPreset p) => new()
    {
        ["_from_model_config"] = true,
        ["bos_token_id"] = p.BosTokenId,
        ["eos_token_id"] = p.EosTokenIds.Length == 1 ? p.EosTokenIds[0] : p.EosTokenIds.Cast<object?>().ToList(),
        ["transformers_version"] = TransformersVersion,
    };

    /// <summary>
    /// Synthetic models use GPT-2's tokenizer (lem_tokenizer). Where the model's vocabulary is smaller than GPT-2's
    /// (llama-2-7b, mistral-7b: 32000), lem_vocab_limit folds larger ids into range, keeping GPT-2's token counts.
    /// </summary>
    public static Dictionary<string, object?> TokenizerConfig(SyntheticPreset p)
    {
        var c = new Dictionary<string, object?>
        {
            [TokenizerLoader.MarkerKey] = TokenizerLoader.Gpt2Tiktoken,
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["bos_token"] = "<|endoftext|>",
            ["eos_token"] = "<|endoftext|>",
            ["unk_token"] = "<|endoftext|>",
            ["add_bos_token"] = false,
            ["model_max_length"] = p.MaxPositionEmbeddings,
        };
        if (p.VocabSize < TokenizerLoader.Gpt2VocabSize)
            c[TokenizerLoader.VocabLimitKey] = p.VocabSize;
        return c;
    }
}
