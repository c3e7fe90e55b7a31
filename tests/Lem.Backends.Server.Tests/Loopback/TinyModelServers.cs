using Lem.Backends.Server.TestServer;
using Lem.Models.Synthetic;

namespace Lem.Backends.Server.Tests.Loopback;

/// <summary>lem's synthetic tiny Llama on TorchSharp (CPU), served by two in-process loopback servers: vLLM framing and llama-server framing.</summary>
public sealed class TinyModelServers : IAsyncLifetime
{
    public const string ServedModel = "tiny-test";

    private readonly string _cache = Directory.CreateTempSubdirectory("lem-server-tests-").FullName;
    private TorchSharpTokenGenerator? _generator;

    public string ModelFolder { get; private set; } = "";
    public ITokenGenerator Generator => _generator!;
    public OpenAiTestServer Vllm { get; private set; } = null!;
    public OpenAiTestServer Llama { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ModelFolder = new SyntheticModelCache(Path.Combine(_cache, "models")).Resolve("tiny");
        _generator = new TorchSharpTokenGenerator(ModelFolder);
        Vllm = await OpenAiTestServer.StartAsync(new TestServerOptions { ServedModel = ServedModel, Generator = () => _generator, Framing = Framing.Vllm });
        Llama = await OpenAiTestServer.StartAsync(new TestServerOptions { ServedModel = ServedModel, Generator = () => _generator, Framing = Framing.LlamaServer });
        await Vllm.Ready;
        await Llama.Ready;
    }

    public async Task DisposeAsync()
    {
        await Vllm.DisposeAsync();
        await Llama.DisposeAsync();
        _generator?.Dispose();
        Directory.Delete(_cache, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class LoopbackCollection : ICollectionFixture<TinyModelServers>
{
    public const string Name = "loopback servers";
}
