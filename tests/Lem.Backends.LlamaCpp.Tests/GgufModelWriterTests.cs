using Lem.Models.Gguf;
using Lem.Models.Safetensors;
using Lem.Models.Tokenization;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>What the GGUF model writer puts in a file: llama.cpp's keys and names, the tokenizer, the same weights as safetensors.</summary>
public sealed class GgufModelWriterTests(SyntheticModels models) : IClassFixture<SyntheticModels>
{
    [Fact]
    public void A_synthetic_llama_has_the_llama_keys_and_the_gpt2_vocabulary()
    {
        var p = SyntheticModels.Tiny("llama");
        var file = GgufFile.Open(models.Gguf("llama"));
        Assert.Equal("llama", file["general.architecture"]!.AsString());
        Assert.Equal(0, file["general.file_type"]!.AsInteger());
        Assert.Equal(p.Layers, file["llama.block_count"]!.AsInteger());
        Assert.Equal(p.HiddenSize, file["llama.embedding_length"]!.AsInteger());
        Assert.Equal(p.IntermediateSize, file["llama.feed_forward_length"]!.AsInteger());
        Assert.Equal(p.Heads, file["llama.attention.head_count"]!.AsInteger());
        Assert.Equal(p.KvHeads, file["llama.attention.head_count_kv"]!.AsInteger());
        Assert.Equal(p.HeadDim, file["llama.rope.dimension_count"]!.AsInteger());
        Assert.Equal(p.RopeTheta, file["llama.rope.freq_base"]!.AsNumber());
        Assert.Equal((float)p.NormEps, (float)file["llama.attention.layer_norm_rms_epsilon"]!.AsNumber());
        Assert.Equal(p.MaxPositionEmbeddings, file["llama.context_length"]!.AsInteger());

        Assert.Equal("gpt2", file["tokenizer.ggml.model"]!.AsString());
        Assert.Equal("gpt-2", file["tokenizer.ggml.pre"]!.AsString());
        var tokens = (string[])file["tokenizer.ggml.tokens"]!.Value;
        var types = (int[])file["tokenizer.ggml.token_type"]!.Value;
        Assert.Equal(p.VocabSize, tokens.Length);
        Assert.Equal(p.VocabSize, types.Length);
        Assert.Equal("<|endoftext|>", tokens[TokenizerLoader.Gpt2EndOfText]);
        Assert.Equal(GgufVocabulary.Control, types[TokenizerLoader.Gpt2EndOfText]);
        Assert.Equal("Ġthe", tokens[262]);
        Assert.Equal(GgufVocabulary.Normal, types[262]);
        Assert.Equal($"[PAD{p.VocabSize - 1}]", tokens[^1]);
        Assert.Equal(GgufVocabulary.Unused, types[^1]);
        Assert.Equal(50000, ((string[])file["tokenizer.ggml.merges"]!.Value).Length);
        Assert.Equal(p.EosTokenIds[0], file["tokenizer.ggml.eos_token_id"]!.AsInteger());
        Assert.Equal(false, file["tokenizer.ggml.add_bos_token"]!.Value);

        var names = file.Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("token_embd.weight", names);
        Assert.Contains("output_norm.weight", names);
        Assert.Contains("output.weight", names);
        foreach (var part in new[] { "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "attn_norm", "ffn_norm" })
            Assert.Contains($"blk.1.{part}.weight", names);
        Assert.Equal(new long[] { p.HiddenSize, p.VocabSize }, file.Tensor("token_embd.weight")!.Dimensions);
        Assert.Equal(SyntheticModelWriterParameters(p), GgufModelDescription.Of(file).ParameterCount);
    }

    private static long SyntheticModelWriterParameters(Lem.Models.Synthetic.SyntheticPreset p) => Lem.Models.Synthetic.SyntheticModelWriter.ParameterCount(p);

    [Theory]
    [InlineData("qwen2", "attn_q.bias")]
    [InlineData("qwen3", "attn_q_norm.weight")]
    public void Qwen_families_carry_their_own_tensors_and_a_tied_head(string arch, string special)
    {
        var file = GgufFile.Open(models.Gguf(arch));
        Assert.Equal(arch, file["general.architecture"]!.AsString());
        Assert.NotNull(file.Tensor($"blk.0.{special}"));
        Assert.Null(file.Tensor("output.weight"));
        Assert.Contains("\"tie_word_embeddings\": true", GgufModelDescription.Of(file).ConfigJson);
    }

    [Fact]
    public void Mistral_is_written_as_the_llama_architecture()
    {
        var file = GgufFile.Open(models.Gguf("mistral"));
        Assert.Equal("llama", file["general.architecture"]!.AsString());
        Assert.Equal("mistral", GgufModelDescription.Of(file).ModelType);
    }

    [Theory]
    [InlineData("llama", true)]
    [InlineData("qwen3", false)]
    public void Llama_q_and_k_rows_are_interleaved_per_head_and_other_tensors_are_copied(string arch, bool permuted)
    {
        var p = SyntheticModels.Tiny(arch);
        var file = GgufFile.Open(models.Gguf(arch));
        using var safetensors = SafetensorsFile.Open(Path.Combine(models.Folder(arch), "model.safetensors"));
        float[] Hf(string name) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(safetensors.ReadBytes(name)).ToArray();

        Assert.Equal(Hf("model.layers.0.mlp.down_proj.weight"), file.ReadFloats("blk.0.ffn_down.weight"));
        Assert.Equal(Hf("model.embed_tokens.weight"), file.ReadFloats("token_embd.weight"));

        var hf = Hf("model.layers.1.self_attn.k_proj.weight");
        var gguf = file.ReadFloats("blk.1.attn_k.weight");
        int d = p.HeadDim, columns = p.HiddenSize;
        for (int head = 0; head < p.KvHeads; head++)
            for (int row = 0; row < d; row++)
            {
                int source = permuted ? head * d + (row % 2) * (d / 2) + row / 2 : head * d + row;
                Assert.Equal(hf.AsSpan(source * columns, columns).ToArray(), gguf.AsSpan((head * d + row) * columns, columns).ToArray());
            }
    }

    [Theory]
    [InlineData(GgufOutType.F32, GgufTensorType.F32, 0)]
    [InlineData(GgufOutType.F16, GgufTensorType.F16, 1)]
    [InlineData(GgufOutType.BF16, GgufTensorType.BF16, 32)]
    public void A_hugging_face_folder_converts_to_each_float_type(GgufOutType outType, GgufTensorType matrices, int fileType)
    {
        string path = models.Cache.Converted(models.Folder("llama"), outType);
        var file = GgufFile.Open(path);
        Assert.Equal(fileType, file["general.file_type"]!.AsInteger());
        Assert.Equal(matrices, file.Tensor("blk.0.ffn_up.weight")!.Type);
        Assert.Equal(GgufTensorType.F32, file.Tensor("blk.0.attn_norm.weight")!.Type);
        var reference = GgufFile.Open(models.Gguf("llama")).ReadFloats("blk.0.ffn_up.weight");
        var converted = file.ReadFloats("blk.0.ffn_up.weight");
        double tolerance = outType switch { GgufOutType.F32 => 0, GgufOutType.F16 => 1e-3, _ => 1e-2 };
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(reference[i] - converted[i]) <= tolerance * Math.Abs(reference[i]) + 1e-7, $"element {i}: {reference[i]} vs {converted[i]}");
        Assert.Equal(path, models.Cache.Converted(models.Folder("llama"), outType)); // cached
    }

    [Fact]
    public void Llama3_rope_factors_follow_the_wavelength_rule()
    {
        var config = new GgufSourceConfig("llama", "LlamaForCausalLM", 2048, 16, 32, 8, 64, 8192, 128256, 131072, 500000, 1e-5, true, 128000, [128001],
            "llama3", 32, 1, 4, 8192);
        var factors = GgufModelWriter.Llama3RopeFactors(config);
        Assert.Equal(32, factors.Length);
        Assert.Equal(1f, factors[0]);     // shortest wavelength: unscaled
        Assert.Equal(32f, factors[^1]);   // longest: divided by the factor
        Assert.True(factors.Zip(factors.Skip(1)).All(pair => pair.First <= pair.Second));
    }
}
