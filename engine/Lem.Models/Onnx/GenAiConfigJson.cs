using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lem.Models.Onnx;

/// <summary>
/// genai_config.json for a model <see cref="DecoderOnnxWriter"/> wrote: the model section ONNX Runtime GenAI reads
/// (type, special ids, vocabulary, context length, the decoder's file, head counts and its input/output names) and the
/// search defaults (greedy; lem sets every search option per generate call).
/// </summary>
public static class GenAiConfigJson
{
    public const string FileName = "genai_config.json";

    public static string Build(DecoderSpec spec, int padTokenId)
    {
        var a = spec.Architecture;
        JsonNode eos = spec.EosTokenIds.Count == 1 ? JsonValue.Create(spec.EosTokenIds[0]) : new JsonArray(spec.EosTokenIds.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray());
        var root = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["type"] = a.ModelType,
                ["bos_token_id"] = spec.BosTokenId ?? spec.EosTokenIds.FirstOrDefault(),
                ["eos_token_id"] = eos,
                ["pad_token_id"] = padTokenId,
                ["vocab_size"] = a.VocabSize,
                ["context_length"] = a.MaxPositionEmbeddings,
                ["decoder"] = new JsonObject
                {
                    ["session_options"] = new JsonObject { ["log_id"] = "onnxruntime-genai", ["provider_options"] = new JsonArray() },
                    ["filename"] = DecoderOnnxWriter.ModelFileName,
                    ["head_size"] = a.HeadDim,
                    ["hidden_size"] = a.HiddenSize,
                    ["num_attention_heads"] = a.NumHeads,
                    ["num_hidden_layers"] = a.NumLayers,
                    ["num_key_value_heads"] = a.NumKvHeads,
                    ["inputs"] = new JsonObject
                    {
                        ["input_ids"] = "input_ids",
                        ["attention_mask"] = "attention_mask",
                        ["past_key_names"] = DecoderOnnxWriter.PastKey.Replace("{0}", "%d"),
                        ["past_value_names"] = DecoderOnnxWriter.PastValue.Replace("{0}", "%d"),
                    },
                    ["outputs"] = new JsonObject
                    {
                        ["logits"] = "logits",
                        ["present_key_names"] = DecoderOnnxWriter.PresentKey.Replace("{0}", "%d"),
                        ["present_value_names"] = DecoderOnnxWriter.PresentValue.Replace("{0}", "%d"),
                    },
                },
            },
            ["search"] = new JsonObject
            {
                ["diversity_penalty"] = 0.0,
                ["do_sample"] = false,
                ["early_stopping"] = true,
                ["length_penalty"] = 1.0,
                ["max_length"] = a.MaxPositionEmbeddings,
                ["min_length"] = 0,
                ["no_repeat_ngram_size"] = 0,
                ["num_beams"] = 1,
                ["num_return_sequences"] = 1,
                ["past_present_share_buffer"] = false,
                ["repetition_penalty"] = 1.0,
                ["temperature"] = 1.0,
                ["top_k"] = 50,
                ["top_p"] = 1.0,
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
