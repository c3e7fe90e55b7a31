using System.Text;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Tests.Support;

namespace Lem.Backends.Server.Tests.Client;

public class ResponseStreamTests
{
    private static async Task<(StreamOutcome Outcome, RecordingObserver Observer)> Read(string text)
    {
        var observer = new RecordingObserver();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var ticks = 0L;
        var outcome = await ResponseStream.ReadAsync(stream, observer, CancellationToken.None, () => ++ticks);
        return (outcome, observer);
    }

    [Fact]
    public async Task A_recorded_llama_server_completion_stream_gives_one_chunk_per_token_usage_and_timings()
    {
        var (outcome, observer) = await Read(File.ReadAllText(RepositoryPaths.Fixture("llama-server/sse-completions.txt")));

        Assert.True(outcome.Done);
        Assert.Equal("length", outcome.FinishReason);
        Assert.Equal(8, outcome.CompletionTokens);
        Assert.Equal(8, outcome.PromptTokens);
        Assert.Equal(0, outcome.CachedPromptTokens);
        Assert.Equal(8, outcome.TokenChunks);
        Assert.False(outcome.ChunkTokensKnown);
        Assert.All(observer.Chunks, c => Assert.Null(c.Tokens));
        Assert.Equal(12.877, outcome.Timings["prompt_ms"]);
        Assert.Equal(7.84, outcome.Timings["predicted_ms"]);
        Assert.Equal(8, outcome.Timings["predicted_n"]);
        // the final event (finish_reason, usage, timings) carries no token and is not a chunk arrival
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), observer.Chunks.Select(c => c.Ticks));
    }

    [Fact]
    public async Task A_recorded_llama_server_chat_stream_skips_the_role_chunk_and_the_usage_chunk()
    {
        var (outcome, observer) = await Read(File.ReadAllText(RepositoryPaths.Fixture("llama-server/sse-chat.txt")));

        Assert.True(outcome.Done);
        Assert.Equal("length", outcome.FinishReason);
        Assert.Equal(6, outcome.CompletionTokens);
        Assert.Equal(28, outcome.PromptTokens);
        Assert.Equal(6, outcome.TokenChunks);
        Assert.Equal(6, observer.Chunks.Count);
        Assert.Equal(11.896, outcome.Timings["prompt_ms"]);
    }

    [Fact]
    public async Task Usage_in_every_chunk_gives_the_tokens_of_each_chunk_even_when_a_chunk_holds_several()
    {
        const string stream =
            ": keep-alive\n\n" +
            "data: {\"choices\":[{\"index\":0,\"text\":\" a b\",\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n" +
            ": ping\n\n" +
            "data: {\"choices\":[{\"index\":0,\"text\":\" c\",\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\n" +
            "data: {\"choices\":[{\"index\":0,\"text\":\" d e f\",\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}\n\n" +
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}\n\n" +
            "data: [DONE]\n\n";
        var (outcome, observer) = await Read(stream);

        Assert.Equal([2, 1, 3], observer.Chunks.Select(c => c.Tokens!.Value));
        Assert.True(outcome.ChunkTokensKnown);
        Assert.Equal(6, outcome.CompletionTokens);
        Assert.Equal(5, outcome.PromptTokens);
        Assert.True(outcome.Done);
    }

    [Fact]
    public async Task A_stream_without_done_is_reported_as_cut_short()
    {
        const string stream = "data: {\"choices\":[{\"index\":0,\"text\":\" a\",\"finish_reason\":null}]}\n\n";
        var (outcome, observer) = await Read(stream);

        Assert.False(outcome.Done);
        Assert.Null(outcome.CompletionTokens);
        Assert.Single(observer.Chunks);
    }

    [Fact]
    public async Task An_error_object_inside_the_stream_is_the_request_error()
    {
        const string stream =
            "data: {\"choices\":[{\"index\":0,\"text\":\" a\",\"finish_reason\":null}]}\n\n" +
            "data: {\"error\":{\"message\":\"out of KV cache\",\"code\":500}}\n\n" +
            "data: [DONE]\n\n";
        var (outcome, _) = await Read(stream);

        Assert.Contains("out of KV cache", outcome.ServerError);
        Assert.Contains("500", outcome.ServerError);
    }
    [Fact]
    public async Task A_usage_that_first_appears_on_the_last_text_chunk_is_the_total_not_that_chunk_s_tokens()
    {
        const string stream =
            "data: {\"choices\":[{\"index\":0,\"text\":\" a\",\"finish_reason\":null}]}\n\n" +
            "data: {\"choices\":[{\"index\":0,\"text\":\" b\",\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n" +
            "data: [DONE]\n\n";
        var (outcome, observer) = await Read(stream);

        Assert.Equal(2, observer.Chunks.Count);
        Assert.All(observer.Chunks, c => Assert.Null(c.Tokens));
        Assert.False(outcome.ChunkTokensKnown);
        Assert.Equal(2, outcome.CompletionTokens);
    }
}
