using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Launching;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tests.Client;

public class ServedPrecisionTests
{
    private static readonly ModelLoadRequest Unset = new("/m", "fp32", "cuda:0") { PrecisionIsDefault = true };
    private static readonly ModelLoadRequest Bf16 = new("/m", "bf16", "cuda:0");

    private static LaunchPlan Plan(ServerEngine engine, ModelLoadRequest request) => LaunchPlanner.Plan(engine, request, 8000, _ => null);

    private const string VllmLog = "INFO 05-01 [core.py:61] Initializing a V1 LLM engine (v0.9.0) with config: model='/m', dtype=torch.bfloat16, max_seq_len=4096";

    [Fact]
    public void A_dtype_lem_passed_is_the_precision()
    {
        var (precision, source) = ServedPrecision.Decide(Vllm.Engine, Bf16, Plan(Vllm.Engine, Bf16), VllmLog);
        Assert.Equal("bf16", precision);
        Assert.Contains("--dtype bfloat16", source);
    }

    [Fact]
    public void Without_a_dtype_the_precision_is_what_the_server_s_log_reports()
    {
        var (precision, source) = ServedPrecision.Decide(Vllm.Engine, Unset, Plan(Vllm.Engine, Unset), VllmLog);
        Assert.Equal("bf16", precision); // not the registry's fp32 default
        Assert.Contains("dtype=torch.bfloat16", source);
    }

    [Fact]
    public void Without_a_dtype_or_a_log_line_the_precision_is_auto_and_says_why()
    {
        var (precision, source) = ServedPrecision.Decide(Vllm.Engine, Unset, Plan(Vllm.Engine, Unset), "INFO starting");
        Assert.Equal(ServedPrecision.Auto, precision);
        Assert.Contains("passed no --dtype", source);
        Assert.Equal(ServedPrecision.Auto, ServedPrecision.Decide(LlamaServer.Engine, Bf16, Plan(LlamaServer.Engine, Bf16), null).Precision);
    }

    private static Lem.Models.Gguf.GgufModelDescription Gguf(uint fileType) => new("llama", "LlamaForCausalLM", "llama", 1000, 2000, 128, 64, null, fileType, "{}");

    [Theory]
    [InlineData(0u, "fp32")]
    [InlineData(1u, "fp16")]
    [InlineData(32u, "bf16")]
    public void An_engine_without_a_dtype_flag_runs_a_float_gguf_at_the_file_s_type(uint fileType, string expected)
    {
        var (precision, source) = ServedPrecision.Decide(LlamaServer.Engine, Unset, Plan(LlamaServer.Engine, Unset), null, Gguf(fileType));
        Assert.Equal(expected, precision);
        Assert.Contains($"general.file_type {fileType}", source);
    }

    [Fact]
    public void A_quantized_gguf_has_no_single_precision_and_a_dtype_flag_wins_over_the_file()
    {
        Assert.Equal(ServedPrecision.Auto, ServedPrecision.Decide(LlamaServer.Engine, Unset, Plan(LlamaServer.Engine, Unset), null, Gguf(7)).Precision); // Q8_0
        Assert.Equal("bf16", ServedPrecision.Decide(Vllm.Engine, Bf16, Plan(Vllm.Engine, Bf16), null, Gguf(0)).Precision);
    }

    [Fact]
    public void For_a_server_at_a_url_a_set_precision_is_taken_as_stated_and_an_unset_one_is_unknown()
    {
        Assert.Equal(("bf16", "precision as set; lem cannot check what the server at server.url runs"), ServedPrecision.Decide(Vllm.Engine, Bf16, null, null));
        Assert.Equal(ServedPrecision.Auto, ServedPrecision.Decide(Vllm.Engine, Unset, null, null).Precision);
    }
}
