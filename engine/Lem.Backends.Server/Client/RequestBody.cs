using System.Text.Json.Nodes;
using Lem.Backends.Server.Engines;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Client;

/// <summary>
/// The JSON body of one streamed request. Output length is pinned with the engine's own fields: <c>min_tokens</c> where
/// it has them, <c>ignore_eos</c> when the minimum is the maximum; sampling fields beyond the OpenAI standard (top_k,
/// min_p, repetition_penalty) go only to engines that read them.
/// </summary>
public static class RequestBody
{
    /// <param name="prompt">Token ids or text, as the engine takes it (see <see cref="ServerRequestModel"/>).</param>
    /// <param name="engineFields">The engine's request-field parameters (<see cref="EngineFields"/>), copied into the body.</param>
    public static JsonObject Build(ServerEngine engine, string model, ServerApi api, PromptPayload prompt, GenerationSettings settings, JsonObject? engineFields = null)
    {
        var body = new JsonObject { ["model"] = model };
        if (api == ServerApi.Chat)
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt.Text });
        else
            body["prompt"] = prompt.TokenIds is { } ids ? new JsonArray(ids.Select(id => (JsonNode)id).ToArray()) : prompt.Text;
        body["max_tokens"] = settings.MaxNewTokens;
        body["stream"] = true;
        var streamOptions = new JsonObject { ["include_usage"] = true };
        if (engine.ContinuousUsage) streamOptions["continuous_usage_stats"] = true;
        body["stream_options"] = streamOptions;

        body["temperature"] = settings.Greedy ? 0.0 : settings.Temperature;
        if (!settings.Greedy && settings.TopP < 1.0) body["top_p"] = settings.TopP;
        if (settings.Seed is { } seed) body["seed"] = seed;
        if (engine.ExtendedSampling && !settings.Greedy)
        {
            if (settings.TopK > 0) body["top_k"] = settings.TopK;
            if (settings.MinP > 0) body["min_p"] = settings.MinP;
        }
        if (engine.ExtendedSampling && settings.RepetitionPenalty != 1.0) body[engine.RepetitionPenaltyField] = settings.RepetitionPenalty;

        var pinned = PinnedFields(engine, settings);
        if (pinned.MinTokens) body["min_tokens"] = settings.MinNewTokens;
        if (pinned.IgnoreEos) body["ignore_eos"] = true;
        foreach (var (field, value) in engineFields ?? []) body[field] = value?.DeepClone();
        return body;
    }

    /// <summary>
    /// The fields every request carries for the engine's <see cref="FlagStyle.RequestField"/> parameters (llama-server's
    /// <c>cache_prompt</c>): the value in <paramref name="options"/> (the resolved backend options, defaults included),
    /// else the parameter's default.
    /// </summary>
    public static JsonObject EngineFields(ServerEngine engine, IReadOnlyDictionary<string, object>? options)
    {
        var fields = new JsonObject();
        foreach (var flag in engine.Flags.Where(f => f.Style == FlagStyle.RequestField))
        {
            var value = options is not null && options.TryGetValue(flag.Name, out var set) ? set : flag.Parameter.Default?.ToOption();
            if (value is not null) fields[flag.Flag] = OptionJson.Of(value);
        }
        return fields;
    }

    /// <summary>Which pinning fields a request with these settings carries.</summary>
    public static (bool MinTokens, bool IgnoreEos) PinnedFields(ServerEngine engine, GenerationSettings settings)
    {
        if (settings.MinNewTokens <= 0) return (false, false);
        var minTokens = engine.Pinning.HasFlag(OutputPinning.MinTokens);
        var ignoreEos = engine.Pinning.HasFlag(OutputPinning.IgnoreEos) && settings.MinNewTokens >= settings.MaxNewTokens;
        return (minTokens, ignoreEos);
    }

    /// <summary>Whether the engine can hold these settings' minimum at all (else every short answer is flagged).</summary>
    public static bool CanPin(ServerEngine engine, GenerationSettings settings)
    {
        var (minTokens, ignoreEos) = PinnedFields(engine, settings);
        return settings.MinNewTokens <= 0 || minTokens || ignoreEos;
    }
}
