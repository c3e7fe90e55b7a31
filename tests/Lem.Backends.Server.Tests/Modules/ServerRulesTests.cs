using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Modules;
using Lem.Engine.Config;

namespace Lem.Backends.Server.Tests.Modules;

public class ServerRulesTests
{
    private static IReadOnlyList<Diagnostic> Check(ServerEngine engine, params (string Name, ConfigValue Value)[] set)
    {
        var at = new Provenance.Assignment("x.lem", 1, 1);
        var values = set.ToDictionary(s => s.Name, s => new ResolvedValue(s.Value, at));
        var findings = new Findings();
        ServerRules.Check(engine, new EffectiveValues(values, values, new HashSet<string>()), findings);
        return findings.All;
    }

    private static ConfigValue Text(string s) => new ConfigValue.Text(s);
    private static ConfigValue List(params string[] items) => new ConfigValue.List(items.Select(i => (ConfigValue)new ConfigValue.Text(i)).ToArray());

    [Fact]
    public void A_server_url_with_a_launch_flag_is_a_contradiction_named_on_the_flag()
    {
        var diagnostics = Check(Vllm.Engine, ("server.url", Text("http://gpu-box:8000")), ("vllm.max_num_seqs", new ConfigValue.Integer(8)), ("server.command", List("vllm", "serve")));

        Assert.Equal(["server.command", "vllm.max_num_seqs"], diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Parameter).Order());
        Assert.All(diagnostics, d => Assert.Contains("server.url", d.Message));
    }

    [Fact]
    public void A_load_request_option_reaches_a_server_at_a_url_but_its_environment_does_not()
    {
        Assert.Empty(Check(Ollama.Engine, ("server.url", Text("http://box:11434")), ("ollama.num_gpu", new ConfigValue.Integer(20))));
        Assert.Equal("ollama.num_ctx", Assert.Single(Check(Ollama.Engine, ("server.url", Text("http://box:11434")), ("ollama.num_ctx", new ConfigValue.Integer(4096)))).Parameter);
    }

    [Fact]
    public void A_request_field_reaches_a_server_at_a_url_and_a_launch_flag_beside_it_does_not()
    {
        Assert.Empty(Check(LlamaServer.Engine, ("server.url", Text("http://box:8080")), ("llama_server.cache_prompt", new ConfigValue.Boolean(true))));
        Assert.Equal("llama_server.parallel", Assert.Single(Check(LlamaServer.Engine, ("server.url", Text("http://box:8080")),
            ("llama_server.cache_prompt", new ConfigValue.Boolean(true)), ("llama_server.parallel", new ConfigValue.Integer(4)))).Parameter);
    }

    [Fact]
    public void A_server_url_alone_is_fine()
    {
        Assert.Empty(Check(Vllm.Engine, ("server.url", Text("http://gpu-box:8000"))));
    }

    [Fact]
    public void The_openai_backend_needs_a_url()
    {
        var diagnostic = Assert.Single(Check(OpenAiCompatible.Engine));
        Assert.Equal("server.url", diagnostic.Parameter);
        Assert.Equal(Severity.Error, diagnostic.Severity);
    }

    [Theory]
    [InlineData("--port", "lem sets itself")]
    [InlineData("--api-key", "server.api_key_env")]
    [InlineData("--max-num-seqs", "vllm.max_num_seqs")]
    [InlineData("--no-enable-prefix-caching", "vllm.enable_prefix_caching")]
    public void Extra_args_may_not_repeat_what_lem_sets_or_what_the_registry_knows(string flag, string remedy)
    {
        var diagnostic = Assert.Single(Check(Vllm.Engine, ("server.extra_args", List(flag, "1"))));
        Assert.Equal("server.extra_args", diagnostic.Parameter);
        Assert.Contains(remedy, diagnostic.Message);
    }

    [Theory]
    [InlineData("--api-key", "sk-abc")]
    [InlineData("--api-key=sk-abc")]
    public void An_api_key_on_the_server_command_is_refused_as_in_extra_args(params string[] key)
    {
        var diagnostic = Assert.Single(Check(Vllm.Engine, ("server.command", List(["vllm", "serve", .. key]))));
        Assert.Equal("server.command", diagnostic.Parameter);
        Assert.Contains("server.api_key_env", diagnostic.Message);
    }

    [Fact]
    public void An_api_key_env_must_be_a_variable_name_not_a_key()
    {
        var diagnostic = Assert.Single(Check(Vllm.Engine, ("server.api_key_env", Text("sk-abc/def"))));
        Assert.Equal("server.api_key_env", diagnostic.Parameter);
    }

    [Fact]
    public void TensorRt_lengths_set_max_seq_len_once()
    {
        Assert.Equal(TensorRt.MaxSeqLen, Assert.Single(Check(TensorRt.Engine, (TensorRt.MaxSeqLen, new ConfigValue.Integer(2048)), (TensorRt.MaxInputLen, new ConfigValue.Integer(1024)))).Parameter);
        Assert.Equal(TensorRt.MaxInputLen, Assert.Single(Check(TensorRt.Engine, (TensorRt.MaxInputLen, new ConfigValue.Integer(1024)))).Parameter);
        Assert.Empty(Check(TensorRt.Engine, (TensorRt.MaxInputLen, new ConfigValue.Integer(1024)), (TensorRt.MaxOutputLen, new ConfigValue.Integer(128))));
    }

    [Fact]
    public void Synthetic_prompts_cannot_go_to_ollama_which_takes_text_only()
    {
        var prompts = new ConfigValue.Call("synthetic", [], [new("count", new ConfigValue.Integer(4))]);
        var diagnostic = Assert.Single(Check(Ollama.Engine, ("prompts", prompts)));
        Assert.Equal(Severity.Error, diagnostic.Severity);
        Assert.Contains("file(", diagnostic.Message);
    }

    [Fact]
    public void A_minimum_length_llama_server_cannot_hold_is_a_warning()
    {
        var diagnostic = Assert.Single(Check(LlamaServer.Engine, ("min_new_tokens", new ConfigValue.Integer(8)), ("max_new_tokens", new ConfigValue.Integer(64))));
        Assert.Equal(Severity.Warning, diagnostic.Severity);
        Assert.Empty(Check(LlamaServer.Engine, ("min_new_tokens", new ConfigValue.Integer(64)), ("max_new_tokens", new ConfigValue.Integer(64))));
    }

    private static IReadOnlyList<Diagnostic> CheckWithDefaultDevice(ServerEngine engine, params (string Name, ConfigValue Value)[] set)
    {
        var at = new Provenance.Assignment("x.lem", 1, 1);
        var given = set.ToDictionary(s => s.Name, s => new ResolvedValue(s.Value, at));
        var resolved = new Dictionary<string, ResolvedValue>(given) { ["device"] = new(Text("cpu"), Provenance.DefaultValue) };
        var findings = new Findings();
        ServerRules.Check(engine, new EffectiveValues(resolved, given, new HashSet<string>()), findings);
        return findings.All;
    }

    [Theory]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("tensorrt")]
    public void A_gpu_engine_lem_starts_on_the_default_cpu_device_is_an_error_naming_the_remedy(string name)
    {
        var engine = ServerEngines.All.Single(e => e.Name == name);
        var diagnostic = Assert.Single(CheckWithDefaultDevice(engine, ("backend", new ConfigValue.Word(name))));
        Assert.Equal(Severity.Error, diagnostic.Severity);
        Assert.Equal("backend", diagnostic.Parameter); // the default device was set nowhere: the backend line is the one to read
        Assert.Contains("device = \"cuda:0\"", diagnostic.Message);

        Assert.Equal("device", Assert.Single(Check(engine, ("device", Text("cpu")))).Parameter);
        Assert.Empty(Check(engine, ("device", Text("cuda:0"))));
        Assert.Empty(CheckWithDefaultDevice(engine, ("server.url", Text("http://gpu-box:8000")))); // lem starts nothing there
    }

    [Fact]
    public void Engines_that_run_on_the_cpu_may_keep_device_cpu()
    {
        Assert.Empty(CheckWithDefaultDevice(LlamaServer.Engine));
        Assert.Empty(CheckWithDefaultDevice(Ollama.Engine));
    }

    [Fact]
    public void Precision_has_no_effect_where_the_model_file_decides_it()
    {
        var diagnostic = Assert.Single(Check(LlamaServer.Engine, ("precision", new ConfigValue.Word("fp16"))));
        Assert.Equal(Severity.Warning, diagnostic.Severity);
        Assert.Empty(Check(Vllm.Engine, ("precision", new ConfigValue.Word("fp16"))));
    }
}
