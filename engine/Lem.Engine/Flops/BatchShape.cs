using Lem.Engine.Inference;

namespace Lem.Engine.Flops;

/// <summary>
/// The shape of one generate call as the device computed it. Prefill runs <see cref="Rows"/> sequences of
/// <see cref="PaddedPromptLength"/> tokens (padding included: it is computed) and yields each row's first new token.
/// Decode step t (1-based) feeds one token per computed row and attends over kv_len = PaddedPromptLength + t;
/// <see cref="DecodeRowsPerStep"/>[t − 1] is how many rows that step computed. N new tokens take N − 1 decode steps.
/// </summary>
/// <param name="OutputTokens">Real new tokens delivered (what per-output-token figures divide by).</param>
public sealed record BatchShape(int Rows, int PaddedPromptLength, IReadOnlyList<int> DecodeRowsPerStep, long OutputTokens)
{
    public int Rows { get; init; } = Rows > 0 ? Rows : throw new FlopsInputException($"batch rows is {Rows}; a batch has at least one row.");

    public int PaddedPromptLength { get; init; } = PaddedPromptLength > 0
        ? PaddedPromptLength
        : throw new FlopsInputException($"prompt length is {PaddedPromptLength}; a prompt has at least one token.");

    public IReadOnlyList<int> DecodeRowsPerStep { get; init; } = CheckSteps(DecodeRowsPerStep, Rows);

    public long OutputTokens { get; init; } = OutputTokens >= 0 ? OutputTokens : throw new FlopsInputException($"output tokens is {OutputTokens}; it cannot be negative.");

    public int DecodeSteps => DecodeRowsPerStep.Count;

    /// <summary>Prompt positions computed in prefill, padding included.</summary>
    public long PrefillTokens => (long)Rows * PaddedPromptLength;

    /// <summary>Token positions computed over all decode steps.</summary>
    public long DecodeTokens => DecodeRowsPerStep.Sum(r => (long)r);

    /// <summary>Every row prompted with <paramref name="promptLength"/> tokens and generating exactly <paramref name="newTokens"/>.</summary>
    public static BatchShape Uniform(int rows, int promptLength, int newTokens)
    {
        if (newTokens < 1)
            throw new FlopsInputException($"new tokens is {newTokens}; generation produces at least one token.");
        if (rows < 1)
            throw new FlopsInputException($"batch rows is {rows}; a batch has at least one row.");
        return new BatchShape(rows, promptLength, Enumerable.Repeat(rows, newTokens - 1).ToArray(), (long)rows * newTokens);
    }

    /// <summary>
    /// The shape of a finished generate call. <paramref name="finishedRowsKeepComputing"/>: true when a static batch keeps
    /// computing rows that already stopped (at EOS) until its longest row ends — as Hugging Face generate does; false when
    /// the backend drops them, so step t computes only rows that produced more than t tokens.
    /// </summary>
    public static BatchShape FromGeneration(BatchGeneration generation, bool finishedRowsKeepComputing = true)
    {
        var rows = generation.OutputTokenIds.Count;
        if (rows == 0)
            throw new FlopsInputException("the generate call returned no rows; there is no batch shape to count.");
        if (generation.PaddedPromptTokens % rows != 0)
            throw new FlopsInputException(
                $"padded prompt tokens ({generation.PaddedPromptTokens}) is not a multiple of the batch rows ({rows}); the backend must report rows × longest prompt.");
        var promptLength = (int)(generation.PaddedPromptTokens / rows);
        var lengths = generation.OutputTokenIds.Select(o => o.Length).ToArray();
        var steps = Math.Max(0, lengths.Max() - 1);
        var perStep = new int[steps];
        for (var t = 1; t <= steps; t++)
            perStep[t - 1] = finishedRowsKeepComputing ? rows : lengths.Count(n => n > t);
        return new BatchShape(rows, promptLength, perStep, generation.OutputTokens);
    }

    private static IReadOnlyList<int> CheckSteps(IReadOnlyList<int> steps, int rows)
    {
        ArgumentNullException.ThrowIfNull(steps);
        for (var t = 0; t < steps.Count; t++)
            if (steps[t] < 0 || steps[t] > rows)
                throw new FlopsInputException($"decode step {t + 1} computes {steps[t]} rows; it must be between 0 and the batch's {rows} rows.");
        return steps;
    }
}
