namespace Lem.Backends.Server.Engines;

/// <summary>Every engine this project serves, in the order the documentation lists them.</summary>
public static class ServerEngines
{
    public static readonly IReadOnlyList<ServerEngine> All =
        [Vllm.Engine, TensorRt.Engine, Sglang.Engine, LlamaServer.Engine, Ollama.Engine, OpenAiCompatible.Engine];
}
