namespace Lem.Backends.Server.TestServer;

/// <summary>
/// A server's prompt reuse, as its clients see it: a request that may use the cache (llama-server's <c>cache_prompt</c>,
/// true unless the request says false; vLLM's automatic prefix caching, always here) has the longest prefix it shares
/// with an earlier prompt served from the cache (all but its last token, which is always evaluated; vLLM reuses whole
/// blocks of 16 tokens, which this ignores). llama-server reports it as <c>usage.prompt_tokens_details.cached_tokens</c>
/// and <c>timings.cache_n</c>, vLLM in its <c>/metrics</c> prefix-cache counters.
/// </summary>
public sealed class PromptCache
{
    private readonly List<int[]> _seen = [];

    /// <summary>The cached tokens of <paramref name="prompt"/>, which is remembered for later requests.</summary>
    public int Serve(int[] prompt, bool cachePrompt)
    {
        lock (_seen)
        {
            var cached = cachePrompt && prompt.Length > 0 ? Math.Min(_seen.Select(p => SharedPrefix(p, prompt)).DefaultIfEmpty(0).Max(), prompt.Length - 1) : 0;
            _seen.Add(prompt);
            return cached;
        }
    }

    private static int SharedPrefix(int[] a, int[] b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }
}
