using Lem.Backends.TorchSharp.Loading;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Builds the model for a config from a weight source, strictly: every tensor by name and shape, none left over.</summary>
public static class ModelBuilder
{
    private const string Gpt2Prefix = "transformer.";

    /// <param name="where">The model folder (or another description of the weights), named in errors.</param>
    public static CausalLM Build(ModelConfig config, IWeightSource weights, ScalarType dtype, Device device, string where)
    {
        var loader = new WeightLoader(weights, dtype, device, where, CheckpointNames(config, weights));
        CausalLM? model = null;
        try
        {
            model = config.Family == ModelFamily.Gpt2
                ? new Gpt2LMHeadModel(loader, config)
                : new LlamaForCausalLM(loader, config);
            loader.ThrowOnUnexpected();
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
