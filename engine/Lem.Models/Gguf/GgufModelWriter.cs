using Lem.Engine.Inference;

namespace Lem.Models.Gguf;

/// <summary>
/// Writes a Llama-family model (llama, mistral, qwen2, qwen3) as a GGUF file llama.cpp loads: its hyperparameters under
/// the architecture's keys, the tokenizer, and the tensors under llama.cpp's names and in ggml's dimension order.
/// For the llama architecture the q/k projection rows are reordered within each head from the Hugging Face rotary
/// layout (halves) to the interleaved pairs llama.cpp's rope rotates, as llama.cpp's converter does; qwen2/qwen3 use
/// the half layout in llama.cpp too and are written unchanged. The parity tests against TorchSharp check both.
/// </summary>
public static class GgufModelWriter
{
    /// <summary>What was written.</summary>
    /// <summary>The metadata key holding the source's config.json text (lem's own key; llama.cpp ignores it).</summary>
    public const string SourceConfigKey = "lem.source_config_json";

    public sealed record Summary(string Path, long ParameterCount, long TensorBytes, GgufTensorType MatrixType);

    /// <exception cref="InferenceException">A tensor has no llama.cpp name, or the file cannot be written.</exception>
    public static Summary Write(GgufSourceModel source, GgufOutType outType, string path)
    {
        var config = source.Config;
        string arch = config.GgufArchitecture;
        var matrixTypes = source.Tensors.Where(t => t.Shape.Length > 1).Select(t => GgufOutTypes.For(outType, t.Type)).Distinct().ToList();
        var matrixType = matrixTypes.Count == 1 ? matrixTypes[0] : GgufOutTypes.For(outType, GgufTensorType.F32);

        var tensors = new List<GgufTensorData>();
        if (config.RopeScalingType == "llama3")
        {
            float[] factors = Llama3RopeFactors(config);
            tensors.Add(new GgufTensorData("rope_freqs.weight", [factors.Length], GgufTensorType.F32, s => s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(factors.AsSpan()))));
        }
        foreach (var t in source.Tensors)
        {
            string? name;
            try
            {
                name = GgufTensorNames.ToGguf(t.Name);
            }
            catch (ArgumentException e)
            {
                throw new InferenceException($"{source.Name}: {e.Message}. Remedy: lem writes {string.Join(", ", GgufSourceConfig.SupportedModelTypes)} checkpoints as GGUF; convert others with llama.cpp's convert_hf_to_gguf.py.");
            }
            if (name is null)
                continue;
            var type = t.Shape.Length > 1 ? GgufOutTypes.For(outType, t.Type) : GgufTensorType.F32;
            int? permuteHeads = arch == "llama" ? PermuteHeads(t.Name, config) : null;
            var dims = t.Shape.Reverse().ToArray();
            var tensor = t;
            tensors.Add(new GgufTensorData(name, dims, type, stream =>
            {
                using var converter = new GgufFloatConverter(stream, tensor.Type, type);
                if (permuteHeads is int heads)
                    converter.Write(RotaryPairsPermutation(Materialise(tensor), heads, tensor.Shape[0]));
                else
                    tensor.WriteRaw(converter);
                converter.Flush();
            }));
        }

        var metadata = new List<KeyValuePair<string, GgufMetadataValue>>
        {
            new("general.architecture", GgufMetadataValue.Of(arch)),
            new("general.name", GgufMetadataValue.Of(source.Name)),
            new("general.file_type", GgufMetadataValue.Of(GgufOutTypes.FileType(matrixType))),
            new(GgufFormat.AlignmentKey, GgufMetadataValue.Of((uint)GgufFormat.DefaultAlignment)),
            new($"{arch}.vocab_size", GgufMetadataValue.Of((uint)config.VocabSize)),
            new($"{arch}.context_length", GgufMetadataValue.Of((uint)config.MaxPositionEmbeddings)),
            new($"{arch}.embedding_length", GgufMetadataValue.Of((uint)config.HiddenSize)),
            new($"{arch}.block_count", GgufMetadataValue.Of((uint)config.Layers)),
            new($"{arch}.feed_forward_length", GgufMetadataValue.Of((uint)config.IntermediateSize)),
            new($"{arch}.attention.head_count", GgufMetadataValue.Of((uint)config.Heads)),
            new($"{arch}.attention.head_count_kv", GgufMetadataValue.Of((uint)config.KvHeads)),
            new($"{arch}.attention.key_length", GgufMetadataValue.Of((uint)config.HeadDim)),
            new($"{arch}.attention.value_length", GgufMetadataValue.Of((uint)config.HeadDim)),
            new($"{arch}.attention.layer_norm_rms_epsilon", GgufMetadataValue.Of((float)config.NormEps)),
            new($"{arch}.rope.dimension_count", GgufMetadataValue.Of((uint)config.HeadDim)),
            new($"{arch}.rope.freq_base", GgufMetadataValue.Of((float)config.RopeTheta)),
        };
        if (config.RopeScalingType == "linear")
        {
            metadata.Add(new($"{arch}.rope.scaling.type", GgufMetadataValue.Of("linear")));
            metadata.Add(new($"{arch}.rope.scaling.factor", GgufMetadataValue.Of((float)config.RopeScalingFactor)));
        }
        metadata.AddRange(source.Vocabulary.Metadata());
        metadata.Add(new(SourceConfigKey, GgufMetadataValue.Of(source.ConfigJson)));

        try
        {
            GgufWriter.Write(path, metadata, tensors);
        }
        catch (IOException e)
        {
            throw new InferenceException($"cannot write GGUF file {path}: {e.Message}. Remedy: free disk space or choose a writable folder (LEM_CACHE_DIR for the cache).", e);
        }
        return new Summary(path, source.Tensors.Sum(t => t.ElementCount), tensors.Sum(t => t.ByteLength), matrixType);
    }

    /// <summary>The head count whose rows are reordered (query heads for q_proj, kv heads for k_proj), or null.</summary>
    private static int? PermuteHeads(string hfName, GgufSourceConfig config) =>
        hfName.EndsWith(".self_attn.q_proj.weight", StringComparison.Ordinal) || hfName.EndsWith(".self_attn.q_proj.bias", StringComparison.Ordinal) ? config.Heads
        : hfName.EndsWith(".self_attn.k_proj.weight", StringComparison.Ordinal) || hfName.EndsWith(".self_attn.k_proj.bias", StringComparison.Ordinal) ? config.KvHeads
        : null;

    private static byte[] Materialise(GgufSourceTensor tensor)
    {
        using var memory = new MemoryStream();
        tensor.WriteRaw(memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Within each head of <paramref name="heads"/>, output row <c>2i + h</c> is input row <c>h·d/2 + i</c> (d rows per
    /// head, h = 0 or 1): the rotary halves become interleaved pairs.
    /// </summary>
    internal static byte[] RotaryPairsPermutation(byte[] data, int heads, long rows)
    {
        int rowBytes = checked((int)(data.LongLength / rows));
        int headRows = (int)(rows / heads), half = headRows / 2;
        if (rows % heads != 0 || headRows % 2 != 0)
            throw new InferenceException($"a q/k projection of {rows} rows does not split into {heads} heads of an even size. Remedy: check the model's config.json (num_attention_heads, num_key_value_heads).");
        var result = new byte[data.Length];
        for (int head = 0; head < heads; head++)
            for (int i = 0; i < half; i++)
                for (int h = 0; h < 2; h++)
                {
                    int from = head * headRows + h * half + i, to = head * headRows + 2 * i + h;
                    Buffer.BlockCopy(data, from * rowBytes, result, to * rowBytes, rowBytes);
                }
        return result;
    }

    /// <summary>
    /// Llama 3 rope scaling as a per-frequency divisor (llama.cpp's rope_freqs tensor): 1 for short wavelengths,
    /// the factor for long ones, and the smooth blend between (the rule transformers' llama3 rope applies).
    /// </summary>
    public static float[] Llama3RopeFactors(GgufSourceConfig c)
    {
        int pairs = c.HeadDim / 2;
        double lowWavelength = c.OriginalMaxPositionEmbeddings / c.LowFreqFactor;
        double highWavelength = c.OriginalMaxPositionEmbeddings / c.HighFreqFactor;
        var factors = new float[pairs];
        for (int i = 0; i < pairs; i++)
        {
            double frequency = 1.0 / Math.Pow(c.RopeTheta, 2.0 * i / c.HeadDim);
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highWavelength)
                factors[i] = 1f;
            else if (wavelength > lowWavelength)
                factors[i] = (float)c.RopeScalingFactor;
            else
            {
                double smooth = (c.OriginalMaxPositionEmbeddings / wavelength - c.LowFreqFactor) / (c.HighFreqFactor - c.LowFreqFactor);
                factors[i] = (float)(1.0 / ((1 - smooth) / c.RopeScalingFactor + smooth));
            }
        }
        return factors;
    }
}
