using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>
/// The "torchsharp" backend: decoder-only transformers (Llama, Mistral, Qwen2, Qwen3, GPT-2) built from a Hugging Face
/// folder. Weights and tokenizer come through the factories given here (a safetensors reader and a tokenizer loader).
/// </summary>
public sealed class TorchSharpBackend(Func<string, IWeightSource> openWeights, Func<string, ITextTokenizer> openTokenizer) : IInferenceBackend
{
    public string Name => "torchsharp";

    public ILoadedModel Load(ModelLoadRequest request)
    {
        var folder = request.ModelFolder;
        if (!Directory.Exists(folder))
            throw new InferenceException($"Model folder \"{folder}\" does not exist; give a folder in Hugging Face layout (config.json, *.safetensors, tokenizer files).");
        var (precision, dtype) = PrecisionName.Parse(request.Precision);
        var (deviceName, device) = DeviceName.Parse(request.Device);
        var config = ModelConfig.Load(folder);

        CausalLM model;
        using (var weights = openWeights(folder))
            model = ModelBuilder.Build(config, weights, dtype, device, folder);
        try
        {
            var tokenizer = openTokenizer(folder);
            var info = new ModelInfo(
                folder, config.Architecture, config.ModelType,
                model.ParameterCount, model.WeightBytes, precision, deviceName,
                config.MaxPositionEmbeddings, config.VocabSize,
                config.EosTokenIds.Count > 0 ? config.EosTokenIds[0] : null,
                config.ConfigJson);
            return new TorchSharpModel(model, tokenizer, info);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
