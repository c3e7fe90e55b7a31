using Lem.Engine.Config;
using Lem.Models.Onnx;

namespace Lem.Backends.OrtGenAi.Backend;

/// <summary>The <c>ortgenai.*</c> section: what the module contributes to the parameter registry.</summary>
public static class OrtGenAiParameters
{
    public const string Provider = "ortgenai.provider";
    public const string Quantization = "ortgenai.quantization";
    public const string Threads = "ortgenai.threads";
    public const string ProviderOptions = "ortgenai.provider_options";

    public static readonly IReadOnlyList<string> Providers = ["cpu", "cuda"];

    public static readonly IReadOnlyList<ParameterDefinition> All =
    [
        new(Provider, ParameterKind.Choice, new ConfigValue.Word("cpu"),
            "ONNX Runtime execution provider that runs the model. cpu is what this build ships (Microsoft.ML.OnnxRuntimeGenAI, CPU); " +
            "cuda needs ONNX Runtime's CUDA provider deployed with lem (the Microsoft.ML.OnnxRuntimeGenAI.Cuda package); where it is absent, pre-flight (lem check, lem run) refuses it with the remedy.",
            AllowedValues: Providers),
        new(Quantization, ParameterKind.Choice, new ConfigValue.Word("fp32"),
            "How lem stores the linear weights when it writes the ONNX model (from a Hugging Face folder or synthetic(...)): fp32 MatMul, " +
            "or int4 MatMulNBits (asymmetric, blocks of 32 inputs, fp32 scales, accuracy_level 4; embeddings and the LM head stay fp32). " +
            "An ONNX GenAI folder given as the model is loaded as it was written; this value must then match it.",
            AllowedValues: OnnxWeightFormat.Names),
        new(Threads, ParameterKind.Integer, new ConfigValue.Integer(0),
            "ONNX Runtime intra-op threads of the model's session; 0 leaves ONNX Runtime's default (one per physical core).",
            Unit: "threads", Min: 0, Max: 4096),
        new(ProviderOptions, ParameterKind.TextList, new ConfigValue.List([]),
            "Options of the execution provider as \"key=value\" texts, passed to ONNX Runtime GenAI unchanged (for cuda, e.g. \"enable_cuda_graph=1\").",
            Unit: "key=value"),
    ];
}
