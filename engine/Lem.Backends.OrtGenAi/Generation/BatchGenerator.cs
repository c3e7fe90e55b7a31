using System.Diagnostics;
using Lem.Backends.OrtGenAi.Backend;
using Lem.Engine.Inference;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Lem.Backends.OrtGenAi.Generation;

/// <summary>
/// One generate call through GenAI's generator: the prompts padded on the right with the folder's pad id to the
/// longest (GenAI derives each row's length and attention mask from the pad id, so lengths stay exact), one
/// AppendTokens (the prefill), then GenerateNextToken per step. After each step the new tokens are on the host
/// (the CPU provider computes synchronously), and the observer gets them with a timestamp taken then.
/// </summary>
internal static class BatchGenerator
{
    public static BatchGeneration Generate(Model model, GenAiFolder folder, int? slidingWindow, IReadOnlyList<int[]> prompts, GenerationSettings settings, ITokenObserver? observer)
    {
        Validate(folder, slidingWindow, prompts, settings);
        int rows = prompts.Count, longest = prompts.Max(p => p.Length);
        var flat = new int[rows * longest];
        Array.Fill(flat, folder.PadTokenId);
        for (int r = 0; r < rows; r++)
            prompts[r].CopyTo(flat, r * longest);
        var eos = new HashSet<int>(folder.EosTokenIds);
        var outputs = new List<int>[rows];
        for (int r = 0; r < rows; r++) outputs[r] = new List<int>(settings.MaxNewTokens);
        var finished = new bool[rows];
        var reported = new int[rows];

        long start = Stopwatch.GetTimestamp(), first = 0, last = 0;
        try
        {
            using var parameters = new GeneratorParams(model);
            SearchOptions.Apply(parameters, settings, rows, longest);
            using var generator = new Generator(model, parameters);
            generator.AppendTokens(flat);
            for (int step = 0; step < settings.MaxNewTokens && !generator.IsDone(); step++)
            {
                generator.GenerateNextToken();
                var next = generator.GetNextTokens();
                long ticks = Stopwatch.GetTimestamp();
                for (int r = 0; r < rows; r++)
                {
                    if (finished[r])
                    {
                        reported[r] = -1;
                        continue;
                    }
                    reported[r] = next[r];
                    outputs[r].Add(next[r]);
                    finished[r] = eos.Contains(next[r]);
                }
                if (step == 0) first = ticks;
                last = ticks;
                observer?.OnTokens(step, reported, ticks);
                if (finished.All(f => f)) break;
            }
        }
        catch (OnnxRuntimeGenAIException e)
        {
            throw new InferenceException($"ONNX Runtime GenAI failed while generating with {folder.Folder}: {FirstLine(e.Message)}. Remedy: check the folder was written by lem model convert --to ortgenai or GenAI's model builder; report it with this message.", e);
        }

        return new BatchGeneration(
            outputs.Select(o => o.ToArray()).ToArray(),
            PromptTokens: prompts.Sum(p => (long)p.Length),
            PaddedPromptTokens: (long)rows * longest,
            PrefillSeconds: Stopwatch.GetElapsedTime(start, first).TotalSeconds,
            DecodeSeconds: Stopwatch.GetElapsedTime(first, last).TotalSeconds);
    }

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static void Validate(GenAiFolder folder, int? slidingWindow, IReadOnlyList<int[]> prompts, GenerationSettings s)
    {
        if (prompts.Count == 0) throw new InferenceException("Generate needs at least one prompt.");
        if (prompts.Count > SearchOptions.MaxBatchSize)
            throw new InferenceException($"The batch has {prompts.Count} prompts; ONNX Runtime GenAI generates at most {SearchOptions.MaxBatchSize} sequences at once. Remedy: set batching.batch_size to {SearchOptions.MaxBatchSize} or less.");
        for (int r = 0; r < prompts.Count; r++)
        {
            if (prompts[r] is null || prompts[r].Length == 0)
                throw new InferenceException($"Prompt {r} of the batch has no tokens; every prompt needs at least one.");
            foreach (var id in prompts[r])
                if (id < 0 || id >= folder.VocabSize)
                    throw new InferenceException($"Prompt {r} holds token id {id}, outside the model's vocabulary [0, {folder.VocabSize}); the tokenizer does not match the model.");
            if (prompts.Count > 1 && prompts[r][^1] == folder.PadTokenId)
                throw new InferenceException($"Prompt {r} of the batch ends with token {folder.PadTokenId}, the pad_token_id of {folder.Folder}/genai_config.json; GenAI would take it for padding and shorten the prompt. Remedy: generate it with batching.batch_size = 1, or set another pad_token_id in genai_config.json.");
        }
        if (s.MaxNewTokens < 1) throw new InferenceException($"max_new_tokens is {s.MaxNewTokens}; it must be at least 1.");
        if (s.MinNewTokens < 0 || s.MinNewTokens > s.MaxNewTokens)
            throw new InferenceException($"min_new_tokens is {s.MinNewTokens}; it must lie between 0 and max_new_tokens ({s.MaxNewTokens}).");
        if (s.TopK < 0) throw new InferenceException($"top_k is {s.TopK}; it must be 0 (off) or positive.");
        if (s.TopK > folder.VocabSize) throw new InferenceException($"top_k is {s.TopK}; ONNX Runtime GenAI needs it at most the vocabulary size ({folder.VocabSize}).");
        if (!(s.TopP > 0 && s.TopP <= 1)) throw new InferenceException($"top_p is {s.TopP}; it must lie in (0, 1].");
        if (s.MinP != 0 && !(s.Greedy || s.Temperature <= 0))
            throw new InferenceException($"min_p is {s.MinP}; ONNX Runtime GenAI has no min-p sampling. Remedy: set decoder.min_p = 0 for backend ortgenai.");
        if (!(s.RepetitionPenalty > 0)) throw new InferenceException($"repetition_penalty is {s.RepetitionPenalty}; it must be positive.");
        if (double.IsNaN(s.Temperature) || s.Temperature < 0) throw new InferenceException($"temperature is {s.Temperature}; it must be 0 (greedy) or positive.");

        int longest = prompts.Max(p => p.Length);
        long length = longest + (long)s.MaxNewTokens;
        if (length > folder.ContextLength)
            throw new InferenceException(
                $"The longest prompt ({longest} tokens) plus max_new_tokens ({s.MaxNewTokens}) is {length} tokens, more than the model's context_length ({folder.ContextLength}); shorten the prompts or max_new_tokens.");
        if (slidingWindow is int window && length - 1 > window)
            throw new InferenceException(
                $"The longest prompt ({longest} tokens) plus max_new_tokens ({s.MaxNewTokens}) needs {length - 1} positions, more than the model's sliding_window ({window}); " +
                "the graph lem writes attends globally, which equals sliding-window attention up to that length.");
    }
}
