using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Launching;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tests.Launching;

public class LaunchPlannerTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static ModelLoadRequest Request(string model, string device, params (string Name, object Value)[] options) =>
        new(model, "bf16", device, options.ToDictionary(o => o.Name, o => o.Value));

    [Fact]
    public void A_vllm_command_line_comes_from_the_registry_values_in_table_order_then_the_extra_args()
    {
        var plan = LaunchPlanner.Plan(Vllm.Engine, Request("/models/m", "cuda:2",
            ("vllm.max_num_seqs", 64L),
            ("vllm.gpu_memory_utilization", 0.85),
            ("vllm.enable_prefix_caching", false),
            ("vllm.enforce_eager", true),
            ("vllm.tensor_parallel_size", 2L),
            ("vllm.speculative_model", "/models/draft"),
            ("vllm.num_speculative_tokens", 4L),
            ("server.extra_args", new[] { "--swap-space", "8" })), 8123, NoEnvironment);

        Assert.Equal(
            ["vllm", "serve", "/models/m", "--served-model-name", "/models/m", "--host", "127.0.0.1", "--port", "8123", "--dtype", "bfloat16",
             "--gpu-memory-utilization", "0.85", "--no-enable-prefix-caching", "--enforce-eager", "--max-num-seqs", "64", "--tensor-parallel-size", "2",
             "--speculative-config", "{\"model\":\"/models/draft\",\"num_speculative_tokens\":4}", "--swap-space", "8"],
            plan.Arguments);
        Assert.Equal("2,3", plan.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("http://127.0.0.1:8123", plan.BaseUrl);
    }

    [Fact]
    public void Without_a_precision_set_no_dtype_is_passed_and_the_engine_chooses()
    {
        var request = Request("/models/m", "cuda:0") with { Precision = "fp32", PrecisionIsDefault = true };
        foreach (var engine in new[] { Vllm.Engine, Sglang.Engine })
            Assert.DoesNotContain("--dtype", LaunchPlanner.Plan(engine, request, 8000, NoEnvironment).Arguments);
        Assert.Contains("--dtype", LaunchPlanner.Plan(Vllm.Engine, request with { PrecisionIsDefault = false }, 8000, NoEnvironment).Arguments);
    }

    [Fact]
    public void A_given_server_command_replaces_the_default_and_keeps_arguments_apart()
    {
        var plan = LaunchPlanner.Plan(LlamaServer.Engine, Request("/m/x.gguf", "cpu",
            ("server.command", new[] { "/opt/llama.cpp/bin/llama-server" }),
            ("llama_server.n_gpu_layers", 0L), ("llama_server.flash_attn", "off"), ("llama_server.cont_batching", true), ("llama_server.mmap", false),
            ("llama_server.cache_prompt", false)), 9000, NoEnvironment);

        Assert.Equal(
            ["/opt/llama.cpp/bin/llama-server", "--model", "/m/x.gguf", "--alias", "/m/x.gguf", "--host", "127.0.0.1", "--port", "9000", "--metrics",
             "--n-gpu-layers", "0", "--flash-attn", "off", "--cont-batching", "--no-mmap"],
            plan.Arguments); // cache_prompt is a field of every request, not a flag
        Assert.Equal("", plan.Environment["CUDA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void Kv_unified_is_tri_state_on_off_or_llama_server_s_default()
    {
        string[] Flags(params (string, object)[] options) =>
            LaunchPlanner.Plan(LlamaServer.Engine, Request("/m/x.gguf", "cpu", options), 9000, NoEnvironment).Arguments.Where(a => a.Contains("kv-unified")).ToArray();
        Assert.Equal(["--kv-unified"], Flags(("llama_server.kv_unified", true)));
        Assert.Equal(["--no-kv-unified"], Flags(("llama_server.kv_unified", false)));
        Assert.Empty(Flags());
    }

    [Fact]
    public void TensorRt_max_input_and_output_lengths_become_one_max_seq_len()
    {
        var plan = LaunchPlanner.Plan(TensorRt.Engine, Request("/m", "cuda:0",
            (TensorRt.MaxInputLen, 1024L), (TensorRt.MaxOutputLen, 256L), ("tensorrt.tensor_parallel_size", 4L), ("tensorrt.kv_cache_free_gpu_mem_fraction", 0.8)), 7000, NoEnvironment);

        Assert.Equal(
            ["trtllm-serve", "/m", "--served_model_name", "/m", "--host", "127.0.0.1", "--port", "7000",
             "--max_seq_len", "1280", "--kv_cache_free_gpu_memory_fraction", "0.8", "--tp_size", "4"],
            plan.Arguments);
        Assert.Equal("0,1,2,3", plan.Environment["CUDA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void Ollama_is_configured_through_its_environment_and_listens_through_OLLAMA_HOST()
    {
        var plan = LaunchPlanner.Plan(Ollama.Engine, Request("llama3.2:1b", "cuda:0", ("ollama.num_ctx", 8192L), ("ollama.flash_attention", true)), 11500, NoEnvironment);

        Assert.Equal(["ollama", "serve"], plan.Arguments);
        Assert.Equal("127.0.0.1:11500", plan.Environment["OLLAMA_HOST"]);
        Assert.Equal("8192", plan.Environment["OLLAMA_CONTEXT_LENGTH"]);
        Assert.Equal("true", plan.Environment["OLLAMA_FLASH_ATTENTION"]);
        Assert.Equal("llama3.2:1b", plan.ServedModel);
    }

    [Fact]
    public void Ollama_s_load_options_go_in_its_load_request_and_num_gpu_only_there()
    {
        var request = Request("llama3.2:1b", "cuda:0", ("ollama.num_gpu", 37L), ("ollama.num_ctx", 8192L), ("ollama.keep_alive", "-1"));
        var plan = LaunchPlanner.Plan(Ollama.Engine, request, 11500, NoEnvironment);
        Assert.DoesNotContain(plan.Arguments.Concat(plan.Environment.Keys).Concat(plan.Environment.Values), a => a.Contains("37", StringComparison.Ordinal));

        var body = ModelPreload.Body(Ollama.Engine, "llama3.2:1b", request)!;
        Assert.Equal("{\"model\":\"llama3.2:1b\",\"prompt\":\"\",\"stream\":false,\"options\":{\"num_ctx\":8192,\"num_gpu\":37},\"keep_alive\":-1}", body.ToJsonString());
        Assert.Null(ModelPreload.Body(Vllm.Engine, "m", request));
    }

    [Fact]
    public void An_api_key_goes_to_the_server_through_its_environment_and_never_into_the_recorded_text()
    {
        var plan = LaunchPlanner.Plan(Vllm.Engine, Request("m", "cuda:0", ("server.api_key_env", "MY_KEY")), 8000,
            name => name == "MY_KEY" ? "sk-secret-123" : null);

        Assert.Equal("sk-secret-123", plan.SecretEnvironment["VLLM_API_KEY"]);
        Assert.DoesNotContain("sk-secret-123", plan.CommandLine);
        Assert.DoesNotContain("sk-secret-123", plan.EnvironmentText);
        Assert.DoesNotContain(plan.Arguments, a => a.Contains("secret"));
    }

    [Fact]
    public void A_named_but_unset_key_variable_is_an_error_that_names_it()
    {
        var e = Assert.Throws<InferenceException>(() => LaunchPlanner.Plan(Vllm.Engine, Request("m", "cuda:0", ("server.api_key_env", "MY_KEY")), 8000, NoEnvironment));
        Assert.Contains("MY_KEY", e.Message);
    }

    [Fact]
    public void The_openai_backend_is_never_launched()
    {
        var e = Assert.Throws<InferenceException>(() => LaunchPlanner.Plan(OpenAiCompatible.Engine, Request("gpt", "cpu"), 8000, NoEnvironment));
        Assert.Contains("server.url", e.Message);
    }

    [Fact]
    public void The_recorded_command_line_quotes_what_a_shell_would_split()
    {
        var plan = new LaunchPlan(["serve", "a b", "it's", "--x=1"], new Dictionary<string, string>(), new Dictionary<string, string>(), "127.0.0.1", 1, "m");
        Assert.Equal("serve 'a b' 'it'\\''s' --x=1", plan.CommandLine);
    }

    [Fact]
    public void The_same_request_gives_the_same_plan()
    {
        var request = Request("/m", "cuda:0", ("vllm.max_num_seqs", 8L), ("server.extra_args", new[] { "--a" }));
        Assert.Equal(LaunchPlanner.Plan(Vllm.Engine, request, 1, NoEnvironment).Arguments, LaunchPlanner.Plan(Vllm.Engine, request, 1, NoEnvironment).Arguments);
    }
}
