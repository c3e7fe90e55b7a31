using Lem.Engine.Inference;

namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// Prompts of an exact token count, built with the model's tokenizer: seeded random words are encoded, more
/// words are added until the encoding is long enough, and the id list is cut to the exact count. The ids are
/// what the model receives; the text is their decoding (re-encoding that text need not give the same count,
/// which is why the ids are kept).
/// </summary>
public sealed class SyntheticPromptSource(SyntheticPromptOptions options) : IPromptSource
{
    private const int MaxGrowthRounds = 64;

    public SyntheticPromptOptions Options { get; } = options;

    public string Description => Options.InputTokensMin == Options.InputTokensMax
        ? $"synthetic(count = {Options.Count}, input_tokens = {Options.InputTokensMin}, seed = {Options.Seed})"
        : $"synthetic(count = {Options.Count}, min_input_tokens = {Options.InputTokensMin}, input_tokens = {Options.InputTokensMax}, seed = {Options.Seed})";

    public PromptSet Load(ITextTokenizer tokenizer)
    {
        Validate(Options);
        var lengths = Seeds.Random(Options.Seed, stream: 0);
        var words = Seeds.Random(Options.Seed, stream: 1);
        var prompts = new Prompt[Options.Count];
        for (var i = 0; i < prompts.Length; i++)
        {
            var target = lengths.Next(Options.InputTokensMin, Options.InputTokensMax + 1);
            var ids = ExactTokens(tokenizer, target, words);
            prompts[i] = new Prompt(i, tokenizer.Decode(ids), ids, IsSynthetic: true);
        }
        return new PromptSet(prompts, Description, []);
    }

    private static int[] ExactTokens(ITextTokenizer tokenizer, int target, Random random)
    {
        var text = new List<string>(target);
        int[] ids = [];
        for (var round = 0; round < MaxGrowthRounds && ids.Length < target; round++)
        {
            for (var w = 0; w < target - ids.Length; w++) text.Add(WordList.Words[random.Next(WordList.Words.Length)]);
            ids = tokenizer.Encode(string.Join(' ', text));
        }
        if (ids.Length < target)
            throw new WorkloadException(
                $"prompts: synthetic prompts: the tokenizer gave only {ids.Length} tokens for {text.Count} words, short of the {target} asked for. " +
                "Check the model's tokenizer, or use prompts = file(...) instead.", "prompts");
        return ids.Length == target ? ids : ids[..target];
    }

    private static void Validate(SyntheticPromptOptions o)
    {
        if (o.Count < 1)
            throw new WorkloadException($"prompts: synthetic(count = {o.Count}): count must be at least 1.", "prompts");
        if (o.InputTokensMin < 1)
            throw new WorkloadException($"prompts: synthetic prompts need at least 1 input token; got {o.InputTokensMin}. Set input_tokens (and min_input_tokens, if given) to 1 or more.", "prompts");
        if (o.InputTokensMax < o.InputTokensMin)
            throw new WorkloadException($"prompts: input_tokens ({o.InputTokensMax}) is below min_input_tokens ({o.InputTokensMin}). Swap them or make them equal.", "prompts");
    }
}
