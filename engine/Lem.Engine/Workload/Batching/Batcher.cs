using Lem.Engine.Config;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Workload.Batching;

/// <summary>
/// Groups prompts into batches. Sorted strategies order prompts by token count, longest first (a stable sort, so
/// equal lengths keep their order). Dynamic strategies pack greedily: a prompt joins the open batch while
/// (rows + 1) × max(longest, its length) ≤ max_tokens_per_batch and rows + 1 ≤ batch_size; otherwise it opens the next batch.
/// </summary>
public static class Batcher
{
    public static BatchPlan Plan(IReadOnlyList<Prompt> prompts, BatchingConfig options)
    {
        Validate(options);
        IEnumerable<Prompt> ordered = options.IsSorted ? prompts.OrderByDescending(p => p.TokenCount) : prompts;
        var batches = options.IsDynamic ? PackDynamic(ordered, options) : Chunk(ordered, options.BatchSize);
        return new BatchPlan(options, batches);
    }

    /// <summary>Whether <paramref name="prompt"/> may join a batch that already has <paramref name="rows"/> rows of at most <paramref name="longest"/> tokens.</summary>
    public static bool Fits(int rows, int longest, Prompt prompt, BatchingConfig options) =>
        rows + 1 <= options.BatchSize
        && (!options.IsDynamic || (long)(rows + 1) * Math.Max(longest, prompt.TokenCount) <= options.MaxTokensPerBatch);

    /// <summary>Throws when a prompt alone exceeds the dynamic token budget.</summary>
    public static void CheckFitsAlone(Prompt prompt, BatchingConfig options)
    {
        if (options.IsDynamic && prompt.TokenCount > options.MaxTokensPerBatch)
            throw new WorkloadException(
                $"batching.max_tokens_per_batch: prompt {prompt.Index} has {prompt.TokenCount} tokens, more than the budget of {options.MaxTokensPerBatch} for a whole batch. " +
                $"Raise batching.max_tokens_per_batch to at least {prompt.TokenCount}, or use shorter prompts.", "batching.max_tokens_per_batch");
    }

    private static List<PromptBatch> Chunk(IEnumerable<Prompt> prompts, int batchSize) =>
        prompts.Chunk(batchSize).Select((chunk, i) => new PromptBatch(i, chunk)).ToList();

    private static List<PromptBatch> PackDynamic(IEnumerable<Prompt> prompts, BatchingConfig options)
    {
        var batches = new List<PromptBatch>();
        var open = new List<Prompt>();
        var longest = 0;
        foreach (var prompt in prompts)
        {
            CheckFitsAlone(prompt, options);
            if (!Fits(open.Count, longest, prompt, options))
            {
                batches.Add(new PromptBatch(batches.Count, open.ToArray()));
                open.Clear();
                longest = 0;
            }
            open.Add(prompt);
            longest = Math.Max(longest, prompt.TokenCount);
        }
        if (open.Count > 0) batches.Add(new PromptBatch(batches.Count, open.ToArray()));
        return batches;
    }

    private static void Validate(BatchingConfig options)
    {
        if (options.BatchSize < 1)
            throw new WorkloadException($"batching.batch_size = {options.BatchSize}: it must be at least 1.", "batching.batch_size");
        if (options.IsDynamic && options.MaxTokensPerBatch < 1)
            throw new WorkloadException($"batching.max_tokens_per_batch = {options.MaxTokensPerBatch}: it must be at least 1.", "batching.max_tokens_per_batch");
    }
}
