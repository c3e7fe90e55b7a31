namespace Lem.Backends.Server.Engines;

/// <summary>Which tokenize/detokenize endpoints a server has, if any.</summary>
public enum TokenizerDialect
{
    /// <summary>No tokenizer endpoint: prompts must be text, and token counts come from the server's usage only.</summary>
    None,

    /// <summary>vLLM's (and SGLang's) <c>POST /tokenize {"model", "prompt"}</c> → <c>{"tokens"}</c>, <c>POST /detokenize {"model", "tokens"}</c> → <c>{"prompt"}</c>.</summary>
    Vllm,

    /// <summary>llama-server's <c>POST /tokenize {"content"}</c> → <c>{"tokens"}</c>, <c>POST /detokenize {"tokens"}</c> → <c>{"content"}</c>.</summary>
    LlamaServer,
}
