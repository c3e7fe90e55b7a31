using Lem.Engine.Inference;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lem.Models.Onnx;

/// <summary>What <see cref="DecoderOnnxWriter.Write"/> wrote.</summary>
/// <param name="WeightBytes">Stored bytes of the model's weights (int4: packed values, scales and zero points), rotary tables excluded.</param>
public sealed record OnnxModelSummary(string ModelFile, string DataFile, long WeightBytes, long ParameterCount, IReadOnlyList<string> Operators);

/// <summary>
/// Writes the ONNX graph of a Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) in the form ONNX Runtime GenAI runs:
/// inputs <c>input_ids</c> [batch, sequence] and <c>attention_mask</c> [batch, total] (int64, padding on the right),
/// <c>past_key_values.N.key/value</c> [batch, kv_heads, past, head_dim]; outputs <c>logits</c> [batch, 1, vocab] of
/// each row's last real position (GatherND before the LM head) and <c>present.N.key/value</c>. Per layer:
/// SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization (RMSNorm with the residual addition fused), q/k/v projections (MatMul, or MatMulNBits for int4; Add for Qwen2's biases;
/// Qwen3's per-head q/k RMSNorm), com.microsoft RotaryEmbedding on q and on k (cos/sin caches for every position up to
/// max_position_embeddings, rotate-half), com.microsoft GroupQueryAttention with its own rotary off (do_rotary = 0), as
/// onnxruntime-genai's model builder writes that configuration, o_proj, and the SiLU-gated MLP (Sigmoid, Mul).
/// Sequence lengths come from the attention mask (ReduceSum − 1), as GroupQueryAttention takes them; position ids are
/// computed from them in the graph by the rule GroupQueryAttention applies when it rotates itself (a first prompt: 0 …
/// sequence − 1; later: each row's past length + 0 … sequence − 1), so the graph's inputs are unchanged.
/// </summary>
public static class DecoderOnnxWriter
{
    public const string ModelFileName = "model.onnx";
    public const string DataFileName = "model.onnx.data";
    public const string PastKey = "past_key_values.{0}.key", PastValue = "past_key_values.{0}.value";
    public const string PresentKey = "present.{0}.key", PresentValue = "present.{0}.value";

    public static OnnxModelSummary Write(DecoderSpec spec, CheckpointTensors weights, OnnxWeightFormat format, string folder, string producerVersion)
    {
        var a = spec.Architecture;
        int h = a.HiddenSize, heads = a.NumHeads, kvHeads = a.NumKvHeads, hd = a.HeadDim, inter = a.IntermediateSize, vocab = a.VocabSize;
        string modelPath = Path.Combine(folder, ModelFileName);
        using var g = new OnnxGraphBuilder("lem_" + a.ModelType, Path.Combine(folder, DataFileName));
        long weightBytes = 0, parameters = 0;
        var operators = new SortedSet<string>(StringComparer.Ordinal);

        g.Input("input_ids", DataType.Int64, "batch_size", "sequence_length");
        g.Input("attention_mask", DataType.Int64, "batch_size", "total_sequence_length");
        for (int l = 0; l < a.NumLayers; l++)
        {
            g.Input(string.Format(PastKey, l), DataType.Float, "batch_size", (long)kvHeads, "past_sequence_length", (long)hd);
            g.Input(string.Format(PastValue, l), DataType.Float, "batch_size", (long)kvHeads, "past_sequence_length", (long)hd);
        }
        g.Output("logits", DataType.Float, "batch_size", 1L, (long)vocab);
        for (int l = 0; l < a.NumLayers; l++)
        {
            g.Output(string.Format(PresentKey, l), DataType.Float, "batch_size", (long)kvHeads, "total_sequence_length", (long)hd);
            g.Output(string.Format(PresentValue, l), DataType.Float, "batch_size", (long)kvHeads, "total_sequence_length", (long)hd);
        }

        string Op(string type, string[] inputs, string[] outputs, string domain = "", params (string, object)[] attributes)
        {
            operators.Add(domain.Length == 0 ? type : domain + "." + type);
            return g.Node(type, inputs, outputs, domain, attributes);
        }

        string Weight(string name, float[] values, params long[] dims)
        {
            weightBytes += values.LongLength * sizeof(float);
            return g.Initializer(name, values, dims);
        }

        float[] Read(string name, params long[] shape)
        {
            var values = weights.ReadFloat32(name, shape);
            parameters += values.LongLength;
            return values;
        }

        // y = x·Wᵀ (+ b) for a checkpoint weight [outFeatures, inFeatures]
        string Linear(string input, string module, int outFeatures, int inFeatures, string output, float[]? shared = null, bool int4 = true)
        {
            var w = shared ?? Read(module + ".weight", outFeatures, inFeatures);
            string product = weights.Contains(module + ".bias") ? output + "/MatMul" : output;
            if (format.Int4 && int4)
            {
                var q = Int4BlockQuantizer.Quantize(w, outFeatures, inFeatures, format.Int4BlockSize);
                weightBytes += q.StoredBytes;
                g.Initializer(module + ".qweight", q.Packed, outFeatures, q.Blocks, format.Int4BlockSize / 2);
                g.Initializer(module + ".scales", q.Scales, (long)outFeatures * q.Blocks);
                g.Initializer(module + ".qzeros", q.ZeroPoints, q.ZeroPoints.LongLength);
                Op("MatMulNBits", [input, module + ".qweight", module + ".scales", module + ".qzeros"], [product], OnnxGraphBuilder.MicrosoftDomain,
                    ("K", (long)inFeatures), ("N", (long)outFeatures), ("bits", 4L), ("block_size", (long)format.Int4BlockSize),
                    ("accuracy_level", (long)format.Int4AccuracyLevel));
            }
            else
            {
                var transposed = new float[w.LongLength];
                for (int o = 0; o < outFeatures; o++)
                    for (int i = 0; i < inFeatures; i++)
                        transposed[(long)i * outFeatures + o] = w[(long)o * inFeatures + i];
                Op("MatMul", [input, Weight(module + ".weight_t", transposed, inFeatures, outFeatures)], [product]);
            }
            if (product == output)
                return output;
            var bias = Weight(module + ".bias", Read(module + ".bias", outFeatures), outFeatures);
            return Op("Add", [product, bias], [output]);
        }

        string Norm(string input, string weightName, long size, string output) =>
            Op("SimplifiedLayerNormalization", [input, Weight(weightName, Read(weightName, size), size)], [output], "",
                ("axis", -1L), ("epsilon", (float)spec.NormEps), ("stash_type", 1L));

        // (normed, input + skip)
        (string Normed, string Sum) SkipNorm(string input, string skip, string weightName, string output)
        {
            Op("SkipSimplifiedLayerNormalization", [input, skip, Weight(weightName, Read(weightName, h), h)],
                [output, "", "", output + "/sum"], OnnxGraphBuilder.MicrosoftDomain, ("epsilon", (float)spec.NormEps));
            return (output, output + "/sum");
        }

        // sequence lengths for GroupQueryAttention: seqlens_k = (Σ mask) − 1 per row, total = mask width
        Op("ReduceSum", ["attention_mask", g.Int64Initializer("/const/axis1", [1L], 1)], ["/mask/sum"], "", ("keepdims", 0L));
        Op("Sub", ["/mask/sum", g.Int64Initializer("/const/one", [1L], 1)], ["/mask/sum_minus_one"]);
        Op("Cast", ["/mask/sum_minus_one"], ["/mask/seqlens_k"], "", ("to", (long)DataType.Int32));
        Op("Shape", ["attention_mask"], ["/mask/shape"]);
        Op("Gather", ["/mask/shape", g.Int64Initializer("/const/index1", [1L])], ["/mask/total_length_i64"], "", ("axis", 0L));
        Op("Cast", ["/mask/total_length_i64"], ["/mask/total_length"], "", ("to", (long)DataType.Int32));

        var (cos, sin) = RotaryTables.Build(spec.Rotary, hd, a.MaxPositionEmbeddings);
        g.Initializer("/rotary/cos_cache", cos, a.MaxPositionEmbeddings, hd / 2);
        g.Initializer("/rotary/sin_cache", sin, a.MaxPositionEmbeddings, hd / 2);

        // position ids [batch, sequence]: past length of each row + 0 … sequence − 1, where a row's past length is its real
        // total (Σ mask) − sequence, except for a first prompt (no past: mask width = sequence), where every row starts at 0
        Op("Shape", ["input_ids"], ["/last/input_shape"]);
        Op("Gather", ["/last/input_shape", "/const/index1"], ["/last/sequence_length"], "", ("axis", 0L));
        string zero = g.Int64Initializer("/const/zero_scalar", [0L]), one = g.Int64Initializer("/const/one_scalar", [1L]);
        Op("Range", [zero, "/last/sequence_length", one], ["/positions/steps"]);
        Op("Sub", ["/mask/total_length_i64", "/last/sequence_length"], ["/positions/past_width"]);
        Op("Equal", ["/positions/past_width", zero], ["/positions/first_prompt"]);
        Op("Sub", ["/mask/sum", "/last/sequence_length"], ["/positions/row_past"]);
        Op("Where", ["/positions/first_prompt", zero, "/positions/row_past"], ["/positions/offset"]);
        Op("Unsqueeze", ["/positions/offset", "/const/axis1"], ["/positions/offset_column"]);
        Op("Add", ["/positions/offset_column", "/positions/steps"], ["/positions/ids"]);

        var embedding = Read("model.embed_tokens.weight", vocab, h);
        Op("Gather", [Weight("model.embed_tokens.weight", embedding, vocab, h), "input_ids"], ["/embed/output"], "", ("axis", 0L));
        if (!a.TieWordEmbeddings)
            embedding = null;

        string residual = "/embed/output", pending = "";
        for (int l = 0; l < a.NumLayers; l++)
        {
            string p = $"model.layers.{l}", attn = p + ".self_attn", mlp = p + ".mlp";
            string normed;
            if (l == 0)
                normed = Norm(residual, p + ".input_layernorm.weight", h, $"/layers.{l}/input_layernorm");
            else
                (normed, residual) = SkipNorm(pending, residual, p + ".input_layernorm.weight", $"/layers.{l}/input_layernorm");

            string q = Linear(normed, attn + ".q_proj", heads * hd, h, $"/layers.{l}/attn/q");
            string k = Linear(normed, attn + ".k_proj", kvHeads * hd, h, $"/layers.{l}/attn/k");
            string v = Linear(normed, attn + ".v_proj", kvHeads * hd, h, $"/layers.{l}/attn/v");
            if (a.QkNorm)
            {
                q = HeadNorm(q, attn + ".q_norm.weight", heads, $"/layers.{l}/attn/q_norm");
                k = HeadNorm(k, attn + ".k_norm.weight", kvHeads, $"/layers.{l}/attn/k_norm");
            }
            q = Rotary(q, $"/layers.{l}/attn/q_rotary");
            k = Rotary(k, $"/layers.{l}/attn/k_rotary");
            Op("GroupQueryAttention",
                [q, k, v, string.Format(PastKey, l), string.Format(PastValue, l), "/mask/seqlens_k", "/mask/total_length"],
                [$"/layers.{l}/attn/output", string.Format(PresentKey, l), string.Format(PresentValue, l)], OnnxGraphBuilder.MicrosoftDomain,
                ("num_heads", (long)heads), ("kv_num_heads", (long)kvHeads), ("do_rotary", 0L),
                ("scale", (float)(1.0 / Math.Sqrt(hd))));
            string o = Linear($"/layers.{l}/attn/output", attn + ".o_proj", h, heads * hd, $"/layers.{l}/attn/o");

            (normed, residual) = SkipNorm(o, residual, p + ".post_attention_layernorm.weight", $"/layers.{l}/post_attention_layernorm");
            string gate = Linear(normed, mlp + ".gate_proj", inter, h, $"/layers.{l}/mlp/gate");
            string up = Linear(normed, mlp + ".up_proj", inter, h, $"/layers.{l}/mlp/up");
            Op("Sigmoid", [gate], [$"/layers.{l}/mlp/sigmoid"]);
            Op("Mul", [gate, $"/layers.{l}/mlp/sigmoid"], [$"/layers.{l}/mlp/silu"]);
            Op("Mul", [$"/layers.{l}/mlp/silu", up], [$"/layers.{l}/mlp/gated"]);
            pending = Linear($"/layers.{l}/mlp/gated", mlp + ".down_proj", h, inter, $"/layers.{l}/mlp/down");
        }
        var (final, _) = SkipNorm(pending, residual, "model.norm.weight", "/norm");
        // logits of each row's last real position only (GenAI's pruned-logits form, logits dim 1 = 1): index
        // min(seqlens_k, sequence_length − 1) is the last prompt token at prefill (right padding) and 0 in a decode step
        Op("Sub", ["/last/sequence_length", "/const/one"], ["/last/sequence_last"]);
        Op("Min", ["/mask/sum_minus_one", "/last/sequence_last"], ["/last/index"]);
        Op("Unsqueeze", ["/last/index", "/const/axis1"], ["/last/index_column"]);
        Op("GatherND", [final, "/last/index_column"], ["/last/hidden"], "", ("batch_dims", 1L));
        Op("Unsqueeze", ["/last/hidden", "/const/axis1"], ["/last/hidden_3d"]);
        // a tied head reuses the embedding values (counted once in parameters; stored again, transposed or quantized)
        Linear("/last/hidden_3d", "lm_head", vocab, h, "logits", shared: embedding, int4: format.Int4LmHead);

        g.Save(modelPath, producerVersion);
        return new OnnxModelSummary(modelPath, Path.Combine(folder, DataFileName), weightBytes, parameters, operators.ToList());

        // rotate-half rotary embedding of x [b, s, heads·head_dim] at the position ids (num_heads and rotary_embedding_dim
        // 0: the whole head rotates, its size from the caches)
        string Rotary(string x, string output) =>
            Op("RotaryEmbedding", [x, "/positions/ids", "/rotary/cos_cache", "/rotary/sin_cache"], [output], OnnxGraphBuilder.MicrosoftDomain,
                ("interleaved", 0L));

        // RMSNorm over each head of x [b, s, count·head_dim] (Qwen3's q_norm and k_norm)
        string HeadNorm(string x, string weightName, int count, string output)
        {
            string shape = g.Int64Initializer(output + "/shape", [0L, 0L, count, hd], 4);
            Op("Reshape", [x, shape], [output + "/heads"]);
            Norm(output + "/heads", weightName, hd, output + "/normed");
            string flat = g.Int64Initializer(output + "/flat_shape", [0L, 0L, (long)count * hd], 3);
            return Op("Reshape", [output + "/normed", flat], [output]);
        }
    }
}
