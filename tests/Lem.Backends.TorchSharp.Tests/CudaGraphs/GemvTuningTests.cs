using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.CudaGraphs;

public sealed class GemvTuningTests
{
    private static string Describe(params (string Name, string Value)[] set) =>
        GemvTuning.Describe(name => set.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault());

    [Fact]
    public void Unset_variables_describe_the_defaults()
    {
        Assert.Equal("GEMV vectors in flight per lane and row 2/2/2, minimum resident blocks 0/0/0 (bf16/int8/int4), split until 16 warps per multiprocessor are busy",
            Describe());
    }

    [Fact]
    public void One_value_serves_every_scheme_and_three_set_each()
    {
        var text = Describe((GemvTuning.UnrollVariable, "4"), (GemvTuning.MinBlocksVariable, "4,3,0"), (GemvTuning.SplitVariable, "wave"));
        Assert.Equal("GEMV vectors in flight per lane and row 4/4/4, minimum resident blocks 4/3/0 (bf16/int8/int4), split as far as one wave of resident blocks holds", text);
    }

    [Theory]
    [InlineData("quantized", ", tensor-core GEMV for 2 to 32 rows of int8 and int4 weights (LEM_TORCHSHARP_GEMV_MMA)")]
    [InlineData("all", ", tensor-core GEMV for 2 to 32 rows of every weight (LEM_TORCHSHARP_GEMV_MMA)")]
    [InlineData("off", "")]
    public void The_tensor_core_gemv_is_named_where_it_is_on(string value, string clause)
    {
        Assert.Equal("GEMV vectors in flight per lane and row 2/2/2, minimum resident blocks 0/0/0 (bf16/int8/int4), split until 16 warps per multiprocessor are busy" + clause,
            Describe((GemvTuning.MmaVariable, value)));
    }

    [Fact]
    public void The_tensor_core_gemv_can_take_single_rows()
    {
        Assert.EndsWith(", tensor-core GEMV for 1 to 32 rows of int8 and int4 weights (LEM_TORCHSHARP_GEMV_MMA)",
            Describe((GemvTuning.MmaVariable, "quantized"), (GemvTuning.MmaMinRowsVariable, "1")));
    }

    [Theory]
    [InlineData(GemvTuning.MmaMinRowsVariable, "0")]
    [InlineData(GemvTuning.MmaMinRowsVariable, "one")]
    [InlineData(GemvTuning.MmaVariable, "on")]
    [InlineData(GemvTuning.MmaVariable, "All")]
    [InlineData(GemvTuning.UnrollVariable, "3")]
    [InlineData(GemvTuning.UnrollVariable, "2,2")]
    [InlineData(GemvTuning.MinBlocksVariable, "9")]
    [InlineData(GemvTuning.MinBlocksVariable, "1,x,2")]
    [InlineData(GemvTuning.SplitVariable, "0")]
    [InlineData(GemvTuning.SplitVariable, "waves")]
    [InlineData(GemvTuning.UnrollVariable, "2 ")]
    [InlineData(GemvTuning.MinBlocksVariable, "+4")]
    public void A_malformed_value_is_an_error_that_names_the_variable_and_what_it_takes(string variable, string value)
    {
        var error = Assert.Throws<InferenceException>(() => Describe((variable, value)));
        Assert.Contains(variable, error.Message);
        Assert.Contains($"\"{value}\"", error.Message);
        Assert.Contains("unset:", error.Message);
    }
}
