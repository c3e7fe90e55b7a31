using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Flops.Utilisation;

namespace Lem.Engine.Tests.Flops;

public class UtilisationTests
{
    private const string H100 = "NVIDIA H100 80GB HBM3";

    [Fact]
    public void Mfu_is_achieved_over_dense_peak_of_the_precision()
    {
        var bf16 = Mfu.ForDevice(flops: 989.4e12 * 0.25 * 2, seconds: 2, H100, "bf16");
        Assert.Equal(0.25, bf16.Ratio!.Value, 12);
        Assert.Contains("989.4 TFLOP/s dense bf16", bf16.Note);

        // fp32 divides by the CUDA-core rate, not TF32.
        Assert.Equal(0.5, Mfu.ForDevice(66.9e12 * 0.5, 1, H100, "float32").Ratio!.Value, 12);
        Assert.Equal(0.5, Mfu.ForDevice(494.7e12 * 0.5, 1, H100, "tf32").Ratio!.Value, 12);
    }

    [Fact]
    public void Mfu_of_a_precision_the_backend_chose_and_did_not_name_is_not_reported()
    {
        var mfu = Mfu.ForDevice(1e12, 1, H100, "auto");
        Assert.Null(mfu.Ratio);
        Assert.Contains("set precision", mfu.Note);
    }

    [Fact]
    public void Mfu_over_several_gpus_divides_by_all_of_them()
    {
        Assert.Equal(0.25, Mfu.ForDevice(312e12, 1, "NVIDIA A100-SXM4-80GB", "bf16", gpuCount: 4).Ratio!.Value, 12);
    }

    [Fact]
    public void Mfu_without_a_figure_for_the_precision_is_not_reported()
    {
        var v100 = Mfu.ForDevice(1e12, 1, "Tesla V100-SXM2-32GB", "bf16");
        Assert.Null(v100.Ratio);
        Assert.Contains("no bf16 figure", v100.Note);
        Assert.Equal(1e12 / 125e12, Mfu.ForDevice(1e12, 1, "Tesla V100-SXM2-32GB", "fp16").Ratio!.Value, 12);
    }

    [Theory]
    [InlineData("NVIDIA GeForce RTX 4090", "not in the peak table")]
    [InlineData("cpu", "no GPU")]
    [InlineData(null, "no GPU")]
    public void Unknown_gpu_or_cpu_is_not_reported_with_the_reason(string? device, string why)
    {
        var mfu = Mfu.ForDevice(1e12, 1, device, "bf16");
        var mbu = Mbu.ForDevice(1e9, 1, device);
        Assert.Null(mfu.Ratio);
        Assert.Null(mbu.Ratio);
        Assert.Contains(why, mfu.Note);
        Assert.Contains(why, mbu.Note);
        Assert.Equal("mfu", mfu.Metric);
        Assert.Equal("mbu", mbu.Metric);
    }

    [Fact]
    public void Zero_duration_is_not_reported()
    {
        Assert.Null(Mfu.ForDevice(1e12, 0, H100, "bf16").Ratio);
        Assert.Null(Mbu.ForDevice(1e9, 0, H100).Ratio);
    }

    [Fact]
    public void Kv_cache_bytes_by_hand()
    {
        // 2 (K, V) × 2 layers × 1 KV head × 4 head_dim × kv 4 × 2 bytes × 2 rows = 256.
        var tiny = ArchitectureConfig.Parse(KnownConfigs.TinyLlama);
        Assert.Equal(256, DecodeMemoryTraffic.KvCacheBytes(tiny, rows: 2, kvLength: 4, bytesPerElement: 2));
    }

    [Fact]
    public void Kv_cache_element_sizes_include_llama_cpp_names_and_q8_0_blocks()
    {
        Assert.Equal(2, PrecisionFormat.BytesPerElement("f16"));
        Assert.Equal(4, PrecisionFormat.BytesPerElement("f32"));
        Assert.Equal(34.0 / 32, PrecisionFormat.BytesPerElement("q8_0"));
        var tiny = ArchitectureConfig.Parse(KnownConfigs.TinyLlama);
        Assert.Equal(2 * 2 * 1 * 4 * 32 * 34.0 / 32, DecodeMemoryTraffic.KvCacheBytes(tiny, rows: 1, kvLength: 32, bytesPerElement: 34.0 / 32));
    }

    [Fact]
    public void Weight_bytes_per_step_leave_out_lookup_only_tables()
    {
        // Tiny Llama, untied: 1352 parameters of which the 80-entry token table is only looked up.
        var tiny = ArchitectureConfig.Parse(KnownConfigs.TinyLlama);
        Assert.Equal(2 * 1272, DecodeMemoryTraffic.WeightBytesPerStep(tiny, 2 * 1352));
        // Tied GPT-2: the token table is read whole as the LM head; only the 128 position entries are lookups.
        var gpt2 = ArchitectureConfig.Parse(KnownConfigs.TinyGpt2);
        Assert.Equal(4 * (1096 - 128), DecodeMemoryTraffic.WeightBytesPerStep(gpt2, 4 * 1096));
    }

    [Fact]
    public void Mbu_of_decode_by_hand()
    {
        // Batch 2, prompt 3, 3 new tokens, bf16: steps kv 4 and 5 read 2544 + 256 and 2544 + 320 bytes = 5664.
        var tiny = ArchitectureConfig.Parse(KnownConfigs.TinyLlama);
        BatchShape[] shapes = [BatchShape.Uniform(2, 3, 3)];
        Assert.Equal(5664, DecodeMemoryTraffic.DecodeBytes(tiny, 2 * 1352, shapes, 2));
        var seconds = 5664 / 3.35e12 / 0.4;
        var mbu = Mbu.ForDecode(tiny, 2 * 1352, shapes, "bf16", seconds, H100);
        Assert.Equal(0.4, mbu.Ratio!.Value, 12);
        Assert.Contains("3.35 TB/s", mbu.Note);
    }

    [Fact]
    public void Mbu_is_reported_for_a_gpu_without_compute_peaks()
    {
        Assert.Null(Mfu.ForDevice(1e12, 1, "NVIDIA A10G", "bf16").Ratio);
        Assert.Equal(0.5, Mbu.ForDevice(300e9, 1, "NVIDIA A10G").Ratio!.Value, 12);
    }

    [Fact]
    public void Unknown_kv_precision_is_refused_with_the_choices()
    {
        var e = Assert.Throws<FlopsInputException>(() => PrecisionFormat.BytesPerElement("int3"));
        Assert.Contains("fp32, fp16 or bf16", e.Message);
    }
}
