using System.Text.Json.Nodes;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tokenization;

/// <summary>
/// The server's own tokenizer over its <c>/tokenize</c> and <c>/detokenize</c> endpoints (vLLM, SGLang, llama-server),
/// so synthetic prompts are built from the token ids the served model uses. Calls block: they are made while prompts
/// are prepared, outside any measurement window. Special tokens are not added (prompts are sent as the ids given).
/// </summary>
public sealed class ServerTokenizer(ServerConnection connection, TokenizerDialect dialect, string model, int? vocabSize, TimeSpan timeout) : ITextTokenizer
{
    public int[] Encode(string text)
    {
        JsonObject body = dialect == TokenizerDialect.LlamaServer
            ? new() { ["content"] = text, ["add_special"] = false }
            : new() { ["model"] = model, ["prompt"] = text, ["add_special_tokens"] = false };
        var answer = Call("/tokenize", body);
        return answer["tokens"] is JsonArray tokens
            ? tokens.Select(t => t!.GetValue<int>()).ToArray()
            : throw new InferenceException($"the server's /tokenize answered without \"tokens\": {ServerConnection.FirstLine(answer.ToJsonString())}");
    }

    public string Decode(IReadOnlyList<int> tokenIds)
    {
        var ids = new JsonArray(tokenIds.Select(id => (JsonNode)id).ToArray());
        JsonObject body = dialect == TokenizerDialect.LlamaServer ? new() { ["tokens"] = ids } : new() { ["model"] = model, ["tokens"] = ids };
        var answer = Call("/detokenize", body);
        var property = dialect == TokenizerDialect.LlamaServer ? "content" : "prompt";
        return answer[property]?.GetValue<string>()
            ?? throw new InferenceException($"the server's /detokenize answered without \"{property}\": {ServerConnection.FirstLine(answer.ToJsonString())}");
    }

    public int VocabSize => vocabSize ?? throw new InferenceException(
        $"the vocabulary size of {model} is not known to lem (the server does not report it): give model as a local folder with config.json, or use prompts from a file.");

    private JsonNode Call(string path, JsonObject body)
    {
        using var timeoutSource = new CancellationTokenSource(timeout);
        try
        {
            return connection.PostJsonAsync(path, body, timeoutSource.Token).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e)
        {
            throw new InferenceException($"the server's tokenizer failed ({e.Message}): check the server's log, or use prompts from a file.", e);
        }
        catch (OperationCanceledException e)
        {
            throw new InferenceException($"the server's {path} did not answer within {timeout.TotalSeconds:0.#} s: check the server's log.", e);
        }
    }
}
