namespace Lem.Backends.Server.Engines;

/// <summary>Which request fields an engine honours to hold generation to a length (min_new_tokens = max_new_tokens).</summary>
[Flags]
public enum OutputPinning
{
    /// <summary>None: the server may stop at EOS before min_new_tokens; every such request is flagged.</summary>
    None = 0,

    /// <summary><c>min_tokens</c>: no EOS before this many tokens (vLLM, SGLang, TensorRT-LLM).</summary>
    MinTokens = 1,

    /// <summary><c>ignore_eos</c>: generate to max_tokens whatever the model emits (vLLM, SGLang, TensorRT-LLM, llama-server).</summary>
    IgnoreEos = 2,
}
