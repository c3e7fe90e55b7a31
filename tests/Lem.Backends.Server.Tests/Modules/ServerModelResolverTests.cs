using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Modules;
using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tests.Modules;

public sealed class ServerModelResolverTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("lem-resolve-").FullName;

    private string Resolve(ServerEngine engine, ModelSpec model, Func<string, long, string>? gguf = null) =>
        ServerModelResolver.Resolve(engine, model, _base, (preset, seed) => $"/cache/{preset}-{seed}", gguf);

    [Fact]
    public void A_model_id_passes_through_unchanged()
    {
        Assert.Equal("Qwen/Qwen3-0.6B", Resolve(Vllm.Engine, ModelSpec.At("Qwen/Qwen3-0.6B")));
        Assert.Equal("llama3.2:1b", Resolve(Ollama.Engine, ModelSpec.At("llama3.2:1b")));
    }

    [Fact]
    public void A_local_folder_or_gguf_file_becomes_absolute_against_the_script_folder()
    {
        Directory.CreateDirectory(Path.Combine(_base, "m"));
        File.WriteAllText(Path.Combine(_base, "x.gguf"), "");
        Assert.Equal(Path.Combine(_base, "m"), Resolve(Vllm.Engine, ModelSpec.At("m")));
        Assert.Equal(Path.Combine(_base, "x.gguf"), Resolve(LlamaServer.Engine, ModelSpec.At("x.gguf")));
    }

    [Fact]
    public void A_path_that_does_not_exist_is_an_error_not_a_model_id()
    {
        var e = Assert.Throws<InferenceException>(() => Resolve(Vllm.Engine, ModelSpec.At("./missing")));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void A_gguf_file_for_vllm_names_the_backend_that_loads_it()
    {
        File.WriteAllText(Path.Combine(_base, "x.gguf"), "");
        var e = Assert.Throws<InferenceException>(() => Resolve(Vllm.Engine, ModelSpec.At("x.gguf")));
        Assert.Contains("llama_server", e.Message);
    }

    [Fact]
    public void Synthetic_models_are_Hugging_Face_folders_for_vllm_and_need_a_gguf_writer_for_llama_server()
    {
        Assert.Equal("/cache/tiny-3", Resolve(Vllm.Engine, ModelSpec.Synthetic("tiny", 3)));
        Assert.Contains("GGUF writer", Assert.Throws<InferenceException>(() => Resolve(LlamaServer.Engine, ModelSpec.Synthetic("tiny"))).Message);
        Assert.Equal("/gguf/tiny-0", Resolve(LlamaServer.Engine, ModelSpec.Synthetic("tiny"), (p, s) => $"/gguf/{p}-{s}"));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
