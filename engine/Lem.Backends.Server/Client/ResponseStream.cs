using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Client;

/// <summary>
/// Reads one OpenAI-style event stream with <see cref="SseParser"/> (comments such as keep-alives are skipped by the
/// parser) and tells the observer about each chunk that carries tokens when it is read. Chunks that carry none — the
/// chat role announcement, the final event with only finish_reason, usage or timings — are not reported: they are not
/// token arrivals. Tokens per chunk are known only where every chunk carries usage (vLLM's continuous_usage_stats).
/// </summary>
public static class ResponseStream
{
    public const string DoneMarker = "[DONE]";

    public static async Task<StreamOutcome> ReadAsync(Stream body, IRequestObserver observer, CancellationToken cancellation, Func<long>? clock = null)
    {
        clock ??= Stopwatch.GetTimestamp;
        var done = false;
        string? finish = null, error = null;
        int? completion = null, prompt = null, cached = null;
        int? previousCompletion = null;
        var tokenChunks = 0;
        var allKnown = true;
        bool? perChunkUsage = null;
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);

        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellation).ConfigureAwait(false))
        {
            var arrived = clock();
            if (item.Data.Trim() == DoneMarker)
            {
                done = true;
                break;
            }
            if (ServerConnection.TryParse(item.Data) is not JsonObject chunk)
            {
                error ??= "the server sent an event that is not JSON: " + ServerConnection.FirstLine(item.Data);
                continue;
            }
            if (chunk["error"] is { } errorNode)
            {
                error ??= "the server reported an error in the stream: " + ErrorText(errorNode);
                continue;
            }

            var text = "";
            if (chunk["choices"] is JsonArray { Count: > 0 } choices && choices[0] is JsonObject choice)
            {
                text = Text(choice["text"]) ?? Text(choice["delta"]?["content"]) ?? Text(choice["delta"]?["reasoning_content"]) ?? "";
                if (Text(choice["finish_reason"]) is { } reason) finish = reason;
            }

            int? usageDelta = null;
            if (chunk["usage"] is JsonObject usage)
            {
                var newCompletion = Integer(usage["completion_tokens"]);
                prompt = Integer(usage["prompt_tokens"]) ?? prompt;
                cached = Integer(usage["prompt_tokens_details"]?["cached_tokens"]) ?? cached;
                if (newCompletion is { } count)
                {
                    usageDelta = count - (previousCompletion ?? 0);
                    previousCompletion = count;
                    completion = count;
                }
            }
            if (chunk["timings"] is JsonObject serverTimings)
                foreach (var (name, value) in serverTimings)
                    if (Number(value) is { } number) timings[name] = number;

            // Usage gives the tokens of each chunk only where the first token chunk already carried it (usage in every
            // chunk); a usage that appears only at the end is the request's total, not the last chunk's.
            if (perChunkUsage is null && text.Length > 0) perChunkUsage = usageDelta is not null;
            var chunkTokens = perChunkUsage == true ? usageDelta : null;
            var carriesTokens = chunkTokens is > 0 || (chunkTokens is null && text.Length > 0);
            if (!carriesTokens) continue;
            tokenChunks++;
            if (chunkTokens is null) allKnown = false;
            observer.OnChunk(arrived, chunkTokens);
        }
        return new StreamOutcome(done, finish, completion, prompt, cached, tokenChunks, allKnown && tokenChunks > 0, error, timings);
    }

    public static string ErrorText(JsonNode error) => error switch
    {
        JsonObject o => ServerConnection.FirstLine(Text(o["message"]) ?? o.ToJsonString()) + (o["code"] is { } code ? $" (code {code.ToJsonString()})" : ""),
        _ => ServerConnection.FirstLine(error.ToJsonString()),
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static int? Integer(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? (int)l
        : node is JsonValue d && d.GetValueKind() == JsonValueKind.Number ? (int)d.GetValue<double>() : null;

    private static double? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
