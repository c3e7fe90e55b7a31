using Lem.Engine.Flops.Analytical;
using Lem.Backends.TorchSharp.Collectives;
using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Builds the model for a config from a weight source, strictly: every tensor by name and shape, none left over.</summary>
public static class ModelBuilder
{
    private const string Gpt2Prefix = "transformer.";

    /// <param name="where">The model folder (or another description of the weights), named in errors.</param>
    public static CausalLM Build(ModelConfig config, IWeightSource weights, ScalarType dtype, Device device, string where) =>
        Build(config, weights, dtype, PipelineSplit.Single(device.ToString(), device, config.NumHiddenLayers), where);

    /// <summary>Builds the model with its parts on the devices of <paramref name="split"/> (embeddings first, head last).</summary>
    public static CausalLM Build(ModelConfig config, IWeightSource weights, ScalarType dtype, PipelineSplit split, string where,
        QuantizationScheme quantization = QuantizationScheme.None)
    {
        if (quantization != QuantizationScheme.None && config.Family == ModelFamily.Gpt2)
            throw new InferenceException(
                $"quantization = {quantization.Name()} is implemented for the Llama family (Llama, Mistral, Qwen2, Qwen3), not for GPT-2 ({where}); use quantization = none.");
        if (split.LayerCount != config.NumHiddenLayers)
            throw new ArgumentException($"The split places {split.LayerCount} layers, but the model has {config.NumHiddenLayers}.", nameof(split));
        var loader = new WeightLoader(weights, dtype, split.First, where, CheckpointNames(config, weights)) { Quantization = quantization };
        return Built(loader, () => Family(loader, config, split, TensorShard.Whole));
    }

    /// <summary>
    /// Builds the model split by tensor parallelism: every rank the family's model with its share of each layer on its
    /// device, summed across ranks by <paramref name="reduce"/> (which the model then owns; disposed here when the build fails).
    /// Weights stay unquantized.
    /// </summary>
    public static CausalLM Build(ModelConfig config, IWeightSource weights, ScalarType dtype, TensorSplit split, IAllReduce reduce, string where)
    {
        var loader = new WeightLoader(weights, dtype, split.First, where, CheckpointNames(config, weights));
        return Built(loader, () =>
        {
            var ranks = new List<CausalLM>();
            try
            {
                foreach (var rank in split.Ranks)
                    ranks.Add(Family(loader, config, PipelineSplit.Single(rank.DeviceName, rank.Device, config.NumHiddenLayers), rank.Shard));
                return new TensorParallelLM(config, dtype, split, ranks, reduce);
            }
            catch
            {
                foreach (var built in ranks) built.Dispose();
                reduce.Dispose();
                throw;
            }
        });
    }

    private static CausalLM Family(WeightLoader loader, ModelConfig config, PipelineSplit split, TensorShard shard) =>
        config.Family == ModelFamily.Gpt2
            ? new Gpt2LMHeadModel(loader, config, split, shard)
            : new LlamaForCausalLM(loader, config, split, shard);

    /// <summary>Builds through <paramref name="build"/>, then checks that no tensor was left over and records what the loader saw.</summary>
    private static CausalLM Built(WeightLoader loader, Func<CausalLM> build)
    {
        CausalLM? model = null;
        try
        {
            model = build();
            loader.ThrowOnUnexpected();
            model.Quantization = loader.Quantization;
            model.QuantizedWeights = loader.QuantizedWeights;
            model.ParameterCount = loader.CheckpointParameters;
            model.eval();
            return model;
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    // GPT-2 checkpoints come in two spellings: "h.0.attn..." (the original upload) and "transformer.h.0.attn..."
    // (saved from GPT2LMHeadModel). The modules always use the second; the loader maps to what the file has.
    private static Func<string, string>? CheckpointNames(ModelConfig config, IWeightSource weights)
    {
        if (config.Family != ModelFamily.Gpt2) return null;
        var names = weights.Names;
        if (names.Contains(Gpt2Prefix + "wte.weight") || !names.Contains("wte.weight")) return null;
        return n => n.StartsWith(Gpt2Prefix, StringComparison.Ordinal) ? n[Gpt2Prefix.Length..] : n;
    }
}
