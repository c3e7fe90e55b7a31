using System.Globalization;
using System.Text.Json.Nodes;
using Lem.Backends.Server.Engines;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Client;

/// <summary>
/// Loads the model before the window where the engine takes its load options only with a request of its own
/// (<see cref="ServerEngine.PreloadPath"/>: Ollama's <c>POST /api/generate</c> with an empty prompt, which loads the model
/// and generates nothing). The body carries the set values of the flags that have a <see cref="EngineFlag.PreloadField"/>
/// (<c>options.num_gpu</c>, <c>options.num_ctx</c>, <c>keep_alive</c>).
/// </summary>
public static class ModelPreload
{
    /// <summary>The load request's body, or null where the engine has no preload.</summary>
    public static JsonObject? Body(ServerEngine engine, string servedModel, ModelLoadRequest request)
    {
        if (engine.PreloadPath is null) return null;
        var body = new JsonObject { ["model"] = servedModel, ["prompt"] = "", ["stream"] = false };
        foreach (var flag in engine.Flags)
        {
            if (flag.PreloadField is not { } field || request.BackendOptions?.TryGetValue(flag.Name, out var value) != true) continue;
            var node = Json(value!);
            if (field.StartsWith("options.", StringComparison.Ordinal))
            {
                var options = body["options"] as JsonObject ?? (JsonObject)(body["options"] = new JsonObject());
                options[field["options.".Length..]] = node;
            }
            else
            {
                body[field] = node;
            }
        }
        return body;
    }

    /// <summary>Sends the load request and waits for its answer; returns what it sent, for the record. Throws <see cref="InferenceException"/> with the remedy when the server refuses.</summary>
    public static string Run(ServerEngine engine, ServerConnection connection, string servedModel, ModelLoadRequest request, TimeSpan timeout)
    {
        var body = Body(engine, servedModel, request) ?? throw new InvalidOperationException($"{engine.Name} has no preload");
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            connection.PostJsonAsync(engine.PreloadPath!, body, cancel.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            var why = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s (server.ready_timeout)" : e.Message;
            throw new InferenceException($"{engine.DisplayName} could not load {servedModel} through POST {engine.PreloadPath}: {why}. " +
                $"Check that the model is pulled (ollama pull {servedModel}) and that the options fit the machine.", e);
        }
        body.Remove("model");
        return $"POST {engine.PreloadPath} {body.ToJsonString()}";
    }

    /// <summary>A value as JSON: numbers as numbers; a keep-alive such as "-1" or "300" as a number of seconds (Ollama parses a string only as a duration with a unit).</summary>
    private static JsonNode Json(object value) => value switch
    {
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => JsonValue.Create(seconds),
        _ => OptionJson.Of(value),
    };
}
