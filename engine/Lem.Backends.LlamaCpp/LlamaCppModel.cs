using System.Diagnostics;
using Lem.Engine.Inference;
using LLama;
using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// A GGUF model loaded by llama.cpp. A batch's prompts are decoded together in one llama.cpp batch, one sequence id
/// per prompt, each with its own KV-cache stream (no padding: every row keeps its exact length). Each step's new
/// tokens are sampled by llama.cpp's sampler chains and reported to the observer with a host timestamp.
/// </summary>
public sealed class LlamaCppModel : IBatchModel
{
    private readonly SafeLlamaModelHandle _weights;
    private readonly LlamaCppModelOptions _options;
    private readonly HashSet<int> _endOfGeneration;
    private SafeLLamaContextHandle? _context;
    private int _contextRows;
    private int _contextCellsPerRow;
    private bool _disposed;

    internal LlamaCppModel(SafeLlamaModelHandle weights, ModelInfo info, LlamaCppModelOptions options, IReadOnlyDictionary<string, object> loadFacts)
    {
        _weights = weights;
        _options = options;
        Info = info;
        Tokenizer = new LlamaCppTokenizer(weights);
        LoadFacts = loadFacts;
        var vocab = weights.Vocab;
        _endOfGeneration = Enumerable.Range(0, vocab.Count).Where(id => ((LLamaToken)id).IsEndOfGeneration(vocab)).ToHashSet();
        if (info.EosTokenId is int eos)
            _endOfGeneration.Add(eos);
    }

    public ModelInfo Info { get; }
    public ITextTokenizer Tokenizer { get; }
    internal IReadOnlyDictionary<string, object> LoadFacts { get; }

    /// <summary>How many llama.cpp contexts were created since load (one more whenever a batch outgrows the context).</summary>
    public int ContextCreations { get; private set; }

    /// <summary>The token ids that end a sequence (llama.cpp's end-of-generation set and the file's EOS).</summary>
    public IReadOnlyCollection<int> EndOfGenerationTokenIds => _endOfGeneration;

    public IReadOnlyDictionary<string, object> Facts => new Dictionary<string, object>(LoadFacts)
    {
        ["llamacpp_context_creations"] = ContextCreations,
        ["llamacpp_ctx_size"] = _contextCellsPerRow,
    };

    /// <summary>Contexts created count since load; thread count, layers, sizes and bits per weight are constants.</summary>
    public IReadOnlyCollection<string> CounterFacts => ["llamacpp_context_creations"];

    public BatchGeneration Generate(IReadOnlyList<int[]> promptTokenIds, GenerationSettings settings, ITokenObserver? observer = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(promptTokenIds, settings);
        int rows = promptTokenIds.Count;
        var context = ContextFor(rows, promptTokenIds.Max(p => p.Length) + settings.MaxNewTokens);
        context.MemoryClear(true);

        var chains = new SafeLLamaSamplerChainHandle[rows];
        try
        {
            for (int r = 0; r < rows; r++)
            {
                chains[r] = LlamaCppSampling.Chain(settings, LlamaCppSampling.RowSeed(settings, r), promptTokenIds[r].Length + settings.MaxNewTokens);
                if (settings.RepetitionPenalty != 1.0)
                    foreach (int token in promptTokenIds[r])
                        chains[r].Accept(token);
            }
            return Run(context, promptTokenIds, settings, chains, observer);
        }
        finally
        {
            foreach (var chain in chains)
                chain?.Dispose();
        }
    }

    private BatchGeneration Run(SafeLLamaContextHandle context, IReadOnlyList<int[]> prompts, GenerationSettings settings, SafeLLamaSamplerChainHandle[] chains, ITokenObserver? observer)
    {
        int rows = prompts.Count;
        var outputs = new List<int>[rows];
        var finished = new bool[rows];
        var stepTokens = new int[rows];
        var batch = new LLamaBatch();
        long start = Stopwatch.GetTimestamp();

        // prefill: every prompt token of every row, split into decode calls of at most batch_tokens tokens
        var rowOfOutput = new List<(int Row, int Index)>();
        for (int r = 0; r < rows; r++)
        {
            outputs[r] = new List<int>(settings.MaxNewTokens);
            var prompt = prompts[r];
            for (int p = 0; p < prompt.Length; p++)
            {
                bool isLast = p == prompt.Length - 1;
                int index = batch.Add(prompt[p], p, (LLamaSeqId)r, isLast);
                if (isLast)
                    rowOfOutput.Add((r, index));
                if (batch.TokenCount == _options.BatchTokens)
                    DecodeAndSample(context, batch, rowOfOutput, chains, stepTokens, 0, settings);
            }
        }
        if (batch.TokenCount > 0)
            DecodeAndSample(context, batch, rowOfOutput, chains, stepTokens, 0, settings);
        long firstTokens = Stopwatch.GetTimestamp();
        long last = firstTokens;
        Record(0);
        observer?.OnTokens(0, stepTokens, firstTokens);

        for (int step = 1; step < settings.MaxNewTokens && finished.Contains(false); step++)
        {
            for (int r = 0; r < rows; r++)
            {
                if (finished[r])
                    continue;
                int index = batch.Add(outputs[r][^1], prompts[r].Length + step - 1, (LLamaSeqId)r, true);
                rowOfOutput.Add((r, index));
            }
            Array.Fill(stepTokens, -1);
            DecodeAndSample(context, batch, rowOfOutput, chains, stepTokens, step, settings);
            last = Stopwatch.GetTimestamp();
            Record(step);
            observer?.OnTokens(step, stepTokens, last);
        }

        double seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
        long promptTokens = prompts.Sum(p => (long)p.Length);
        return new BatchGeneration(outputs.Select(o => o.ToArray()).ToArray(), promptTokens, promptTokens, seconds(start, firstTokens), seconds(firstTokens, last));

        void Record(int step)
        {
            for (int r = 0; r < rows; r++)
            {
                if (stepTokens[r] < 0 || finished[r])
                    continue;
                outputs[r].Add(stepTokens[r]);
                if (_endOfGeneration.Contains(stepTokens[r]) || outputs[r].Count >= settings.MaxNewTokens)
                    finished[r] = true;
            }
        }
    }

    /// <summary>Decodes the batch, then samples the rows whose outputs it computed into <paramref name="tokens"/>; clears both.</summary>
    private void DecodeAndSample(SafeLLamaContextHandle context, LLamaBatch batch, List<(int Row, int Index)> outputs, SafeLLamaSamplerChainHandle[] chains, int[] tokens, int step, GenerationSettings settings)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
            throw new InferenceException(result == DecodeResult.NoKvSlot
                ? $"llama.cpp found no KV-cache slot for a batch of {batch.TokenCount} tokens ({LlamaCppLog.Since()}). Remedy: raise llamacpp.ctx_size, or set it to 0 to size the cache to the batches."
                : $"llama.cpp failed to decode a batch of {batch.TokenCount} tokens: {result} ({LlamaCppLog.Since()}). Remedy: lower batching.batch_size or llamacpp.batch_tokens if memory ran out.");
        bool holdEos = step < settings.MinNewTokens;
        foreach (var (row, index) in outputs)
        {
            if (holdEos)
            {
                var logits = context.GetLogitsIth(index);
                foreach (int id in _endOfGeneration)
                    logits[id] = float.NegativeInfinity;
            }
            tokens[row] = (int)chains[row].Sample(context, index);
        }
        outputs.Clear();
        batch.Clear();
    }

    /// <summary>The fp32 next-token logits after one unpadded prompt (correctness checks against a reference).</summary>
    public float[] PrefillLogits(int[] prompt)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate([prompt], new GenerationSettings(1));
        var context = ContextFor(1, prompt.Length + 1);
        context.MemoryClear(true);
        var batch = new LLamaBatch();
        int index = 0;
        for (int p = 0; p < prompt.Length; p++)
        {
            index = batch.Add(prompt[p], p, LLamaSeqId.Zero, p == prompt.Length - 1);
            if (batch.TokenCount == _options.BatchTokens && p < prompt.Length - 1)
            {
                Check(context.Decode(batch));
                batch.Clear();
            }
        }
        Check(context.Decode(batch));
        return context.GetLogitsIth(index).ToArray();

        static void Check(DecodeResult r)
        {
            if (r != DecodeResult.Ok)
                throw new InferenceException($"llama.cpp failed to decode a prompt: {r} ({LlamaCppLog.Since()}).");
        }
    }

    private void Validate(IReadOnlyList<int[]> prompts, GenerationSettings settings)
    {
        if (prompts.Count == 0)
            throw new InferenceException("llama.cpp was given an empty batch. Remedy: give at least one prompt.");
        if (settings.MaxNewTokens < 1)
            throw new InferenceException($"max_new_tokens is {settings.MaxNewTokens}; it must be at least 1.");
        if (settings.MinNewTokens < 0 || settings.MinNewTokens > settings.MaxNewTokens)
            throw new InferenceException($"min_new_tokens is {settings.MinNewTokens}; it must lie between 0 and max_new_tokens ({settings.MaxNewTokens}).");
        long maxRows = NativeApi.llama_max_parallel_sequences();
        if (prompts.Count > maxRows)
            throw new InferenceException($"a batch of {prompts.Count} prompts is more than llama.cpp's {maxRows} parallel sequences. Remedy: lower batching.batch_size to {maxRows} or less.");
        int vocab = Tokenizer.VocabSize;
        for (int r = 0; r < prompts.Count; r++)
        {
            if (prompts[r].Length == 0)
                throw new InferenceException($"prompt {r} of the batch has no tokens. Remedy: give prompts of at least one token.");
            foreach (int id in prompts[r])
                if (id < 0 || id >= vocab)
                    throw new InferenceException($"prompt {r} holds token id {id}, outside the model's vocabulary of {vocab}. Remedy: use token ids below {vocab}.");
            if (Info.MaxPositionEmbeddings > 0 && prompts[r].Length + settings.MaxNewTokens > Info.MaxPositionEmbeddings)
                throw new InferenceException($"prompt {r} ({prompts[r].Length} tokens) plus max_new_tokens ({settings.MaxNewTokens}) exceeds the model's context of {Info.MaxPositionEmbeddings} tokens. Remedy: shorten the prompts or lower max_new_tokens.");
        }
    }

    /// <summary>A context with at least <paramref name="rows"/> sequences of <paramref name="cellsPerRow"/> cells, re-created only when a batch outgrows it.</summary>
    private SafeLLamaContextHandle ContextFor(int rows, int cellsPerRow)
    {
        if (_options.FixedCellsPerRow is int fixedCells && cellsPerRow > fixedCells)
            throw new InferenceException($"a row of {cellsPerRow} tokens (prompt + max_new_tokens) does not fit llamacpp.ctx_size = {fixedCells}. Remedy: raise llamacpp.ctx_size, or set it to 0 to size the cache to the batches.");
        int wantedCells = _options.FixedCellsPerRow ?? (cellsPerRow + 255) / 256 * 256;
        if (_context is not null && rows <= _contextRows && wantedCells <= _contextCellsPerRow)
            return _context;
        int newRows = Math.Max(rows, _contextRows), newCells = Math.Max(wantedCells, _contextCellsPerRow);
        _context?.Dispose();
        _context = null;
        var p = LLamaContextParams.Default();
        p.n_ctx = (uint)(newRows * newCells);
        p.n_seq_max = (uint)newRows;
        p.n_batch = (uint)_options.BatchTokens;
        p.n_ubatch = (uint)Math.Min(512, _options.BatchTokens);
        p.n_threads = _options.Threads;
        p.n_threads_batch = _options.Threads;
        p.llama_flash_attn_type = _options.FlashAttention;
        p.kv_unified = false;
        p.type_k = _options.CacheType;
        p.type_v = _options.CacheType;
        LlamaCppLog.Mark();
        try
        {
            _context = _weights.CreateContext(p);
        }
        catch (LLama.Exceptions.RuntimeError e)
        {
            throw new InferenceException($"llama.cpp could not create a context of {newRows} sequences × {newCells} cells: {LlamaCppLog.Since()}. Remedy: lower batching.batch_size or max_new_tokens.", e);
        }
        _contextRows = newRows;
        _contextCellsPerRow = newCells;
        ContextCreations++;
        return _context;
    }

    /// <summary>llama.cpp computes on the CPU synchronously in decode; a GPU build's queued work is waited for here.</summary>
    public void Synchronize() => _context?.Synchronize();

    /// <summary>Null: llama.cpp does not report peak device memory through LLamaSharp; NVML meters a GPU build's memory.</summary>
    public long? PeakDeviceMemoryBytes => null;

    public void ResetPeakDeviceMemory()
    {
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _context?.Dispose();
        _weights.Dispose();
    }
}
