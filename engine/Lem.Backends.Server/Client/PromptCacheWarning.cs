using Lem.Backends.Server.Engines;

namespace Lem.Backends.Server.Client;

/// <summary>
/// The warning lem gives where prompt tokens of a window were served from a server's cache, as the requests' usage
/// (<c>prompt_tokens_details.cached_tokens</c>) or the server's <c>/metrics</c> (vLLM's prefix-cache hits, SGLang's
/// radix-cache hit rate) tell it: TTFT and prefill energy are then those of cached prompts, not of the deployment.
/// </summary>
public static class PromptCacheWarning
{
    public const string Code = "prompt-cache";

    /// <param name="seen">What was seen, as the warning's first clause.</param>
    public static (string Code, string Message, string Remedy) Of(ServerEngine engine, string seen) =>
        (Code,
         $"{seen}: the TTFT and prefill energy of those requests are those of cached prompts. The server had seen these prompts before: in the warm-up, which sends the workload's first prompts, or in an earlier run that shared the server.",
         $"{(engine.PromptCacheOff is { } setting ? "set " + setting : "turn the server's prefix cache off")} to measure computed prompts, or give each run its own server (campaign cold_start = true); keep the cache on only where the workload shares prefixes on purpose.");
}
