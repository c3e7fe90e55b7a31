using System.Diagnostics;
using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Batched generation with left padding and a preallocated KV cache. One prefill over the padded prompts, then one
/// forward per step for the whole batch. Rows that met EOS keep being computed (the batch keeps its shape) but report
/// -1. With <c>staticShapes</c> (or CUDA graphs), decode steps attend over the whole preallocated cache under a mask
/// and advance their own inputs on the device, so every step has identical shapes and buffers (ready for CUDA-graph
/// capture; in eager mode it costs attention over the full capacity, which the traced FLOPs then count). The capacity
/// is rounded up as for graph decoding, so that eager static-shape and graph decoding run the same kernels on the same
/// shapes.
/// <para>
/// The host's only wait in a step is for the copy of its new tokens, after which the observer is called. Greedy
/// static decoding picks tokens on the device, and once steps replay a CUDA graph the next step is queued before this
/// step's tokens are read, so the GPU does not idle while the host handles them; when every row has met EOS, that one
/// step ahead has run for nothing (its FLOPs are counted, as it ran).
/// </para>
/// </summary>
public static class TextGenerator
{
    public static BatchGeneration Generate(
        CausalLM model,
        IReadOnlyList<int[]> prompts,
        GenerationSettings settings,
        ITokenObserver? observer = null,
        IReadOnlyList<int>? eosTokenIds = null,
        bool staticShapes = false,
        CudaGraphDecoder? graphs = null)
    {
        var config = model.Config;
        eosTokenIds ??= config.EosTokenIds;
        Validate(config, prompts, settings);

        var start = Stopwatch.GetTimestamp();
        using var inference = inference_mode();
        var rows = prompts.Count;
        var promptLength = prompts.Max(p => p.Length);
        var decodes = settings.MaxNewTokens > 1;
        long capacity = promptLength + settings.MaxNewTokens - 1;
        using var sampler = new TokenSampler(settings, prompts, config.VocabSize, eosTokenIds, model.OutputDevice);
        var greedyOnDevice = decodes && (staticShapes || graphs is not null) && sampler.PlainGreedy && DeviceGreedy.Serves(eosTokenIds)
            && model.OutputDevice.type == model.Device.type && model.OutputDevice.index == model.Device.index;
        var graphSession = graphs is not null && decodes
            ? graphs.SessionFor(model, rows, CudaGraphDecoder.CapacityFor(capacity, config.MaxPositionEmbeddings), greedyOnDevice)
            : null;
        if (graphSession is not null) capacity = graphSession.Capacity;
        else if (staticShapes && decodes)
            capacity = CudaGraphDecoder.CapacityFor(capacity, config.MaxPositionEmbeddings); // the same shapes as graph decoding
        var flops = new FlopCounter();
        var eos = new HashSet<int>(eosTokenIds);

        using var batch = new PaddedBatch(prompts, capacity, model.Device);
        using var ownCache = graphSession is null ? model.NewKvCache(rows, capacity) : null;
        var cache = graphSession?.Cache ?? ownCache!;
        using var statics = staticShapes && graphSession is null && decodes ? new StaticDecodeInputs(rows, capacity, model.Dtype, model.Device, greedyOnDevice) : null;
        var inputs = graphSession?.Inputs ?? statics; // null: dynamic shapes
        using var ownReadback = graphSession is null ? new TokenReadback(rows, newEvent: null) : null;
        var readback = graphSession?.Readback ?? ownReadback!;

        var outputs = new List<int>[rows];
        for (var r = 0; r < rows; r++) outputs[r] = new List<int>(settings.MaxNewTokens);
        var finished = new bool[rows];
        var finishedRows = 0;
        var hostTokens = new long[rows];
        var reported = new int[rows];

        Tensor? current = null;
        long firstTicks, lastTicks;
        try
        {
            using (NewDisposeScope())
            {
                var logits = (graphSession is not null ? graphs!.Prefill(graphSession, model, batch, flops) : null)
                    ?? model.Forward(batch.InputIds,
                        new ForwardBatch(batch.PositionIds.narrow(1, 0, promptLength), batch.PrefillMask, 0, batch.PrefillMaxPosition, cache, flops));
                current = sampler.Next(logits, 0).DetachFromDisposeScope();
            }
            firstTicks = lastTicks = Emit(current, 0);

            flops.Decoding = true;
            inputs?.Start(batch, current, promptLength);
            if (inputs?.Greedy is { } greedy)
            {
                greedy.Reset(eosTokenIds);
                var queued = 0; // the last step queued
                for (var step = 1; step < settings.MaxNewTokens && finishedRows < rows; step++)
                {
                    // one step ahead only once steps replay a graph: an eager step takes the host as long as the GPU,
                    // and queuing the next one first would delay this step's tokens (and their time stamp) by that long
                    var ahead = readback.Asynchronous && graphSession?.Graph is not null ? 1 : 0;
                    while (queued < Math.Min(step + ahead, settings.MaxNewTokens - 1))
                    {
                        queued++;
                        greedy.HoldEos(queued < settings.MinNewTokens);
                        using (NewDisposeScope()) RunStaticStep(queued); // the tokens stay on the device, in the inputs
                        readback.Enqueue(inputs.Input, queued);
                    }
                    lastTicks = Emit(null, step);
                }
                if (queued > 0) readback.Read(queued, hostTokens); // a step queued ahead finishes before the call returns
            }
            else
            {
                for (var step = 1; step < settings.MaxNewTokens && finishedRows < rows; step++)
                {
                    Tensor next;
                    using (NewDisposeScope())
                    {
                        long offset = promptLength + step - 1;
                        var logits = inputs is not null
                            ? RunStaticStep(step)
                            : model.Forward(current.view(rows, 1),
                                new ForwardBatch(batch.PositionIds.narrow(1, offset, 1), batch.DecodeMask(offset), offset, offset, cache, flops));
                        next = sampler.Next(logits, step).DetachFromDisposeScope();
                    }
                    current.Dispose();
                    current = next;
                    if (inputs is not null && step + 1 < settings.MaxNewTokens) inputs.Load(current);
                    lastTicks = Emit(current, step);
                }
            }
        }
        finally
        {
            current?.Dispose();
        }

        return new BatchGeneration(
            outputs.Select(o => o.ToArray()).ToArray(),
            PromptTokens: prompts.Sum(p => (long)p.Length),
            PaddedPromptTokens: (long)rows * promptLength,
            PrefillSeconds: Stopwatch.GetElapsedTime(start, firstTicks).TotalSeconds,
            DecodeSeconds: Stopwatch.GetElapsedTime(firstTicks, lastTicks).TotalSeconds,
            TracedFlops: flops.ToFlopCount());

        // the static decode step that writes cache position promptLength + step - 1; returns its logits
        Tensor RunStaticStep(int step)
        {
            long offset = promptLength + step - 1;
            return graphSession is not null
                ? graphs!.Step(graphSession, model, offset, flops).Logits
                : inputs!.RunStep(model, cache, offset, flops);
        }

        // tokens: the step's tokens on the device, copied here; null: already queued for the host (greedy on the device)
        long Emit(Tensor? tokens, int step)
        {
            if (tokens is not null) readback.Enqueue(tokens, step);
            readback.Read(step, hostTokens); // the step's one host wait
            var ticks = Stopwatch.GetTimestamp();
            for (var r = 0; r < rows; r++)
            {
                if (finished[r])
                {
                    reported[r] = -1;
                    continue;
                }
                var token = (int)hostTokens[r];
                reported[r] = token;
                outputs[r].Add(token);
                if (eos.Contains(token))
                {
                    finished[r] = true;
                    finishedRows++;
                }
            }
            observer?.OnTokens(step, reported, ticks);
            return ticks;
        }
    }

    private static void Validate(ModelConfig config, IReadOnlyList<int[]> prompts, GenerationSettings s)
    {
        if (prompts.Count == 0) throw new InferenceException("Generate needs at least one prompt.");
        for (var r = 0; r < prompts.Count; r++)
        {
            if (prompts[r] is null || prompts[r].Length == 0)
                throw new InferenceException($"Prompt {r} of the batch has no tokens; every prompt needs at least one.");
            foreach (var id in prompts[r])
                if (id < 0 || id >= config.VocabSize)
                    throw new InferenceException($"Prompt {r} holds token id {id}, outside the model's vocabulary [0, {config.VocabSize}); the tokenizer does not match the model.");
        }
        if (s.MaxNewTokens < 1) throw new InferenceException($"max_new_tokens is {s.MaxNewTokens}; it must be at least 1.");
        if (s.MinNewTokens < 0 || s.MinNewTokens > s.MaxNewTokens)
            throw new InferenceException($"min_new_tokens is {s.MinNewTokens}; it must lie between 0 and max_new_tokens ({s.MaxNewTokens}).");
        if (s.TopK < 0) throw new InferenceException($"top_k is {s.TopK}; it must be 0 (off) or positive.");
        if (!(s.TopP > 0 && s.TopP <= 1)) throw new InferenceException($"top_p is {s.TopP}; it must lie in (0, 1].");
        if (!(s.MinP >= 0 && s.MinP < 1)) throw new InferenceException($"min_p is {s.MinP}; it must lie in [0, 1).");
        if (!(s.RepetitionPenalty > 0)) throw new InferenceException($"repetition_penalty is {s.RepetitionPenalty}; it must be positive.");
        if (double.IsNaN(s.Temperature) || s.Temperature < 0) throw new InferenceException($"temperature is {s.Temperature}; it must be 0 (greedy) or positive.");

        var longest = prompts.Max(p => p.Length);
        long positions = longest + (long)s.MaxNewTokens - 1;
        if (positions > config.MaxPositionEmbeddings)
            throw new InferenceException(
                $"The longest prompt ({longest} tokens) plus max_new_tokens ({s.MaxNewTokens}) needs {positions} positions, more than the model's " +
                $"max_position_embeddings ({config.MaxPositionEmbeddings}); shorten the prompts or max_new_tokens.");
        if (config.SlidingWindow is { } window && positions > window)
            throw new InferenceException(
                $"The longest prompt ({longest} tokens) plus max_new_tokens ({s.MaxNewTokens}) needs {positions} positions, more than the model's " +
                $"sliding_window ({window}); this backend implements global attention only, which equals sliding-window attention up to that length.");
    }
}
