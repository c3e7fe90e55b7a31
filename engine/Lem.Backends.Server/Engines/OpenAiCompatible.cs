using Lem.Engine.Inference;

namespace Lem.Backends.Server.Engines;

/// <summary>Any server that speaks the OpenAI API at a URL lem does not start: lem sends only standard fields.</summary>
public static class OpenAiCompatible
{
    public static readonly ServerEngine Engine = new()
    {
        Name = "openai",
        DisplayName = "any OpenAI-compatible endpoint",
        Summary = "any OpenAI-compatible endpoint at server.url, which lem does not start",
        OriginalNames = ["openai"],
        DefaultCommand = null,
        Tokenizer = TokenizerDialect.None,
        Pinning = OutputPinning.None,
        ExtendedSampling = false,
        TokenIdPrompts = true,
        MetricsUnavailable = "an unknown server's metric names are not known; none are scraped",
        ModelSources = [ModelSourceKind.ServerModelId],
        Notes = "lem sends standard request fields only (no min_tokens, ignore_eos or usage per chunk), so output lengths are not pinned and every short answer is flagged. lem has no tokenizer for a model it knows only by the server's name, so prompts come from a file and go as text (synthetic prompts, which are token ids made with a tokenizer, are refused). No GPUs are metered unless measurement.gpus names them.",
    };
}
