using Lem.Engine.Flops;
using Lem.Engine.Flops.Utilisation;

namespace Lem.Engine.Tests.Flops;

public class GpuPeakTableTests
{
    [Fact]
    public void Embedded_table_loads_with_a_source_for_every_row()
    {
        Assert.True(GpuPeakTable.All.Count >= 15);
        Assert.All(GpuPeakTable.All, p =>
        {
            Assert.NotEmpty(p.NvmlNames);
            Assert.NotEmpty(p.Source);
            Assert.True(p.MemoryBandwidthTbPerS > 0);
        });
    }

    [Theory]
    [InlineData("NVIDIA H100 80GB HBM3", "H100 SXM5 80GB", 989.4, 3.35)]
    [InlineData("  nvidia h100 80gb  hbm3 ", "H100 SXM5 80GB", 989.4, 3.35)]
    [InlineData("NVIDIA H200", "H200 SXM 141GB", 989.4, 4.8)]
    [InlineData("NVIDIA A100-SXM4-40GB", "A100 SXM4 40GB", 312, 1.555)]
    [InlineData("NVIDIA A100-SXM4-80GB", "A100 SXM4 80GB", 312, 2.039)]
    [InlineData("NVIDIA L40S", "L40S", 362.05, 0.864)]
    [InlineData("NVIDIA L4", "L4", 121, 0.3)]
    [InlineData("NVIDIA A10", "A10", 125, 0.6)]
    public void Finds_by_nvml_name(string nvml, string gpu, double bf16Tflops, double tbPerS)
    {
        var peak = GpuPeakTable.Find(nvml)!;
        Assert.Equal(gpu, peak.Gpu);
        Assert.Equal(bf16Tflops, peak.Bf16DenseTflopPerS);
        Assert.Equal(tbPerS, peak.MemoryBandwidthTbPerS);
    }

    [Fact]
    public void A_name_is_matched_exactly_not_by_prefix()
    {
        Assert.Null(GpuPeakTable.Find("NVIDIA A100"));
        Assert.Null(GpuPeakTable.Find("NVIDIA H100 80GB HBM3 MIG 1g.10gb"));
        Assert.Equal("A10", GpuPeakTable.Find("NVIDIA A10")!.Gpu);
    }

    [Fact]
    public void Parse_rejects_a_short_row_with_its_line()
    {
        const string csv = "# c\ngpu,nvml_names,bf16_dense_tflop_s,fp16_dense_tflop_s,tf32_dense_tflop_s,fp32_tflop_s,memory_bandwidth_tb_s,source,note\nX,Y,1,1\n";
        var e = Assert.Throws<FlopsInputException>(() => GpuPeakTable.Parse(new StringReader(csv), "t.csv"));
        Assert.StartsWith("t.csv:3:", e.Message);
    }
}
