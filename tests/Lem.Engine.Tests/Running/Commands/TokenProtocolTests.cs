using System.Text;
using Lem.Engine.Results.Schema;
using Lem.Engine.Running.Commands;

namespace Lem.Engine.Tests.Running.Commands;

public sealed class TokenProtocolTests
{
    private static TokenProtocol Read(params string[] chunks)
    {
        var protocol = new TokenProtocol();
        foreach (var chunk in chunks) protocol.Feed(Encoding.UTF8.GetBytes(chunk));
        protocol.Complete();
        return protocol;
    }

    [Fact]
    public void Lines_add_up_even_when_they_arrive_in_pieces()
    {
        var protocol = Read("step 1\n{\"lem\": {\"output_to", "kens\": 10, \"requests\": 1}}\r\n", "{\"lem\": {\"output_tokens\": 5, \"input_tokens\": 7}}");
        Assert.Equal(new TokenCounts(1, 7, null, 15), protocol.Counts());
        Assert.Equal(2, protocol.Lines); // the last line without a newline counts too
        Assert.Empty(protocol.Problems);
    }

    [Fact]
    public void Other_output_is_the_programs_own_and_counts_stay_absent()
    {
        var protocol = Read("{\"loss\": 1.5}\n", "the \"lem\" tool\n", "{\"lem\" is not json\n", "{\"other\": {\"lem\": 1}}\n");
        Assert.Equal(TokenCounts.None, protocol.Counts());
        Assert.Equal(0, protocol.Lines);
        Assert.Empty(protocol.Problems);
    }

    [Theory]
    [InlineData("{\"lem\": {\"output_tokens\": 5, \"tokens\": 3}}", "stdout line 1: unknown key \"tokens\" (the keys are input_tokens, output_tokens, requests); the line was ignored")]
    [InlineData("{\"lem\": {\"output_tokens\": -1}}", "stdout line 1: \"output_tokens\" must be a whole number ≥ 0, not -1; the line was ignored")]
    [InlineData("{\"lem\": {\"output_tokens\": 2.5}}", "stdout line 1: \"output_tokens\" must be a whole number ≥ 0, not 2.5; the line was ignored")]
    [InlineData("{\"lem\": {\"output_tokens\": \"12\"}}", "stdout line 1: \"output_tokens\" must be a whole number ≥ 0, not \"12\"; the line was ignored")]
    [InlineData("{\"lem\": 12}", "stdout line 1: \"lem\" must be an object such as {\"output_tokens\": 1234}; the line was ignored")]
    public void A_bad_protocol_line_is_ignored_as_a_whole_with_the_reason(string line, string problem)
    {
        var protocol = Read(line + "\n", "{\"lem\": {\"requests\": 1}}\n");
        Assert.Equal(problem, Assert.Single(protocol.Problems));
        Assert.Equal(new TokenCounts(1, null, null, null), protocol.Counts());
    }

    [Fact]
    public void An_overlong_line_is_never_a_protocol_line()
    {
        var protocol = Read("{\"lem\": {\"output_tokens\": 1}}" + new string(' ', 70_000) + "\n", "{\"lem\": {\"output_tokens\": 2}}\n");
        Assert.Equal(2, protocol.Counts().OutputTokens);
    }
}
