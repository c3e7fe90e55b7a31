namespace Lem.Backends.Server.TestServer;

/// <summary>Whose wire format the test server copies.</summary>
public enum Framing
{
    /// <summary>vLLM: usage null in each chunk (or cumulative with continuous_usage_stats), finish_reason on the last token's chunk, a usage-only chunk with no choices, then [DONE]; honours min_tokens and ignore_eos.</summary>
    Vllm,

    /// <summary>llama-server, as recorded in Fixtures/llama-server: one token per chunk, a last chunk with finish_reason, usage and timings, then [DONE]; honours ignore_eos only.</summary>
    LlamaServer,
}
