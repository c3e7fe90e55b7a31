using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Modules;
using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tests.Modules;

public class ServerModulesTests
{
    private static readonly IReadOnlyList<ServerBackendModule> Modules = ServerModules.Create();

    [Fact]
    public void There_is_one_request_shaped_module_per_backend_value()
    {
        Assert.Equal(["vllm", "tensorrt", "sglang", "llama_server", "ollama", "openai"], Modules.Select(m => m.Name));
        Assert.All(Modules, m => Assert.Equal(ExecutionShape.Request, m.Capabilities.Shape));
        Assert.All(Modules, m => Assert.Contains(ModelSourceKind.ServerModelId, m.Capabilities.ModelSources));
        Assert.Contains(ModelSourceKind.GgufFile, Modules.Single(m => m.Name == "llama_server").Capabilities.ModelSources);
        // synthetic(...) for llama-server is written as a GGUF file by the module itself, not by whoever composes it
        Assert.Contains(ModelSourceKind.Synthetic, Modules.Single(m => m.Name == "llama_server").Capabilities.ModelSources);
    }

    [Fact]
    public void Every_module_contributes_the_same_server_section_with_every_server_backend_named()
    {
        var sections = Modules.Select(m => m.Parameters.Where(p => p.Name.StartsWith("server.", StringComparison.Ordinal)).ToArray()).ToArray();
        foreach (var section in sections) Assert.Equal(sections[0], section);
        Assert.All(sections[0], p => Assert.Equal(Modules.Select(m => m.Name), p.Backends!));
        Assert.Contains(sections[0], p => p.Name == "server.url");
        Assert.Contains(sections[0], p => p.Name == "server.command" && p.Kind == ParameterKind.TextList);
    }

    [Fact]
    public void A_module_s_own_parameters_are_in_its_section_and_leave_Backends_to_the_registry()
    {
        foreach (var module in Modules)
            Assert.All(module.Parameters.Where(p => !p.Name.StartsWith("server.", StringComparison.Ordinal)), p =>
            {
                Assert.StartsWith(module.Name + ".", p.Name);
                Assert.Null(p.Backends);
            });
    }

    [Fact]
    public void The_issue_s_parameters_are_all_there_under_the_engines_names()
    {
        var names = Modules.SelectMany(m => m.Parameters).Select(p => p.Name).ToHashSet();
        string[] wanted =
        [
            "vllm.gpu_memory_utilization", "vllm.max_model_len", "vllm.enable_prefix_caching", "vllm.enforce_eager", "vllm.kv_cache_dtype",
            "vllm.max_num_seqs", "vllm.max_num_batched_tokens", "vllm.tensor_parallel_size", "vllm.quantization", "vllm.speculative_model",
            "tensorrt.max_batch_size", "tensorrt.max_input_len", "tensorrt.max_output_len", "tensorrt.kv_cache_free_gpu_mem_fraction", "tensorrt.tensor_parallel_size",
            "llama_server.n_gpu_layers", "llama_server.ctx_size", "llama_server.parallel", "llama_server.flash_attn", "llama_server.cont_batching",
            "ollama.num_ctx", "ollama.num_gpu", "ollama.keep_alive", "server.extra_args",
        ];
        Assert.All(wanted, name => Assert.Contains(name, names));
    }

    [Fact]
    public void Flag_tables_name_each_parameter_once()
    {
        foreach (var engine in ServerEngines.All)
            Assert.Equal(engine.Flags.Count, engine.Flags.Select(f => f.Name).Distinct().Count());
    }

    [Fact]
    public void Only_engines_with_tokenize_endpoints_say_they_have_a_tokenizer()
    {
        Assert.Equal(["vllm", "sglang", "llama_server"], Modules.Where(m => m.Capabilities.HasTokenizer).Select(m => m.Name));
        Assert.Equal(["vllm", "tensorrt", "sglang", "llama_server", "openai"], Modules.Where(m => m.Capabilities.TakesTokenIdPrompts).Select(m => m.Name));
    }

    private static IReadOnlyList<Diagnostic> Validate(string backend, ConfigValue model, params (string Name, ConfigValue Value)[] more)
    {
        var registry = ParameterRegistry.Compose([.. Modules.Cast<IBackendModule>()]);
        var at = new Provenance.Assignment("x.lem", 1, 1);
        var set = new Dictionary<string, ResolvedValue>
        {
            ["backend"] = new(new ConfigValue.Word(backend), at),
            ["model"] = new(model, at),
            ["prompts"] = new(new ConfigValue.Call("synthetic", [], [new("count", new ConfigValue.Integer(4))]), at),
        };
        foreach (var (name, value) in more) set[name] = new(value, at);
        return registry.Validate(set).Where(d => d.Severity == Severity.Error).ToList();
    }

    [Fact]
    public void TensorRt_takes_synthetic_prompts_as_token_ids_made_with_the_local_model_s_tokenizer()
    {
        var synthetic = new ConfigValue.Call("synthetic", [new ConfigValue.Text("tiny")], []);
        Assert.Empty(Validate("tensorrt", synthetic, ("device", new ConfigValue.Text("cuda:0"))));
    }

    [Fact]
    public void An_openai_endpoint_has_no_tokenizer_for_synthetic_prompts_and_its_rules_say_so()
    {
        var diagnostic = Assert.Single(Validate("openai", new ConfigValue.Text("gpt-x"), ("server.url", new ConfigValue.Text("http://h:8000"))));
        Assert.Equal("prompts", diagnostic.Parameter);
        Assert.Contains("prompts = file(", diagnostic.Message);
        Assert.DoesNotContain("has no tokenizer lem can use", diagnostic.Message); // not the core's blanket refusal
    }
}
