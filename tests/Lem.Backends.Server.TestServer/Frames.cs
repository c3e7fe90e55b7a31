using System.Text.Json.Nodes;

namespace Lem.Backends.Server.TestServer;

/// <summary>The events of one streamed answer, framed as vLLM or llama-server frame them (see Fixtures/llama-server for the recorded originals).</summary>
/// <param name="cachedTokens">Prompt tokens served from the prompt cache (llama-server framing only).</param>
public sealed class Frames(Framing framing, bool chat, string model, int promptTokens, int cachedTokens = 0)
{
    private const long Created = 1796189059;
    private readonly string _id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N")[..16];
    private bool _finishSent;

    private string Object => chat ? "chat.completion.chunk" : "text_completion";

    private static string Event(JsonNode node) => "data: " + node.ToJsonString() + "\n\n";

    private JsonObject Envelope(JsonArray choices)
    {
        var o = new JsonObject { ["id"] = _id, ["object"] = Object, ["created"] = Created, ["model"] = model, ["choices"] = choices };
        if (framing == Framing.LlamaServer) o["system_fingerprint"] = "lem-test";
        return o;
    }

    private JsonObject Usage(int completion) => framing == Framing.LlamaServer
        ? new() { ["completion_tokens"] = completion, ["prompt_tokens"] = promptTokens, ["total_tokens"] = completion + promptTokens, ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cachedTokens } }
        : new() { ["prompt_tokens"] = promptTokens, ["total_tokens"] = completion + promptTokens, ["completion_tokens"] = completion };

    private JsonObject Choice(string? text, string? finish, bool role = false)
    {
        var choice = new JsonObject { ["index"] = 0 };
        if (chat)
        {
            var delta = new JsonObject();
            if (role)
            {
                delta["role"] = "assistant";
                delta["content"] = framing == Framing.LlamaServer ? null : "";
            }
            else if (text is not null) delta["content"] = text;
            choice["delta"] = delta;
        }
        else choice["text"] = text ?? "";
        choice["logprobs"] = null;
        choice["finish_reason"] = finish;
        if (framing == Framing.Vllm && !chat) choice["stop_reason"] = null;
        return choice;
    }

    public string Role() => Event(Envelope([Choice(null, null, role: true)]));

    /// <param name="cumulativeTokens">Tokens so far, for vLLM's continuous_usage_stats; null where usage is not sent per chunk.</param>
    public string Token(string text, string? finish, int? cumulativeTokens)
    {
        var envelope = Envelope([Choice(text, finish)]);
        if (framing == Framing.Vllm && (cumulativeTokens is not null || !chat)) envelope["usage"] = cumulativeTokens is { } n ? Usage(n) : null;
        if (finish is not null) _finishSent = true;
        return Event(envelope);
    }

    public IEnumerable<string> Closing(string finish, int completion, bool includeUsage, double promptMs, double predictedMs)
    {
        var timings = new JsonObject
        {
            ["cache_n"] = cachedTokens,
            ["prompt_n"] = promptTokens - cachedTokens,
            ["prompt_ms"] = promptMs,
            ["prompt_per_token_ms"] = promptTokens > 0 ? promptMs / promptTokens : 0,
            ["prompt_per_second"] = promptMs > 0 ? promptTokens / promptMs * 1e3 : 0,
            ["predicted_n"] = completion,
            ["predicted_ms"] = predictedMs,
            ["predicted_per_token_ms"] = completion > 0 ? predictedMs / completion : 0,
            ["predicted_per_second"] = predictedMs > 0 ? completion / predictedMs * 1e3 : 0,
        };
        if (framing == Framing.Vllm)
        {
            if (!_finishSent) yield return Event(Envelope([Choice("", finish)]));
            if (includeUsage)
            {
                var usage = Envelope([]);
                usage["usage"] = Usage(completion);
                yield return Event(usage);
            }
            yield break;
        }
        if (!chat)
        {
            var last = Envelope([Choice("", finish)]);
            if (includeUsage) last["usage"] = Usage(completion);
            last["timings"] = timings;
            yield return Event(last);
            yield break;
        }
        var finishChunk = Envelope([Choice(null, finish)]);
        if (!includeUsage) finishChunk["timings"] = timings;
        yield return Event(finishChunk);
        if (includeUsage)
        {
            var usage = Envelope([]);
            usage["usage"] = Usage(completion);
            usage["timings"] = timings;
            yield return Event(usage);
        }
    }
}
