using Lem.Engine.Inference;

namespace Lem.Engine.Config;

/// <summary>
/// Rules that depend on what the chosen backend can do (LEM1005), read from its module's
/// <see cref="BackendCapabilities"/>: precision, quantization, parallel mode, model source, and the parameters that
/// belong to one execution shape. The checker never asks a backend's name.
/// </summary>
internal static class CapabilityRules
{
    /// <summary>Parameters that only the request shape uses (the engine dispatches requests; the backend batches).</summary>
    private static readonly string[] RequestShapeOnly = ["traffic.max_concurrency"];

    /// <summary>Parameters that only the batch shape uses (the engine forms the batches).</summary>
    private static readonly string[] BatchShapeOnly = ["batching.strategy", "batching.batch_size", "batching.max_tokens_per_batch", "traffic.max_wait"];

    public static void Check(IBackendModule module, EffectiveValues values, Findings findings)
    {
        var capabilities = module.Capabilities;
        Supported(module, values, findings, "precision", capabilities.Precisions);
        Supported(module, values, findings, CoreParameters.Quantization, capabilities.Quantizations.Count == 0 ? ["none"] : capabilities.Quantizations);
        Supported(module, values, findings, "parallel.mode", capabilities.ParallelModes.Count == 0 ? ["none"] : capabilities.ParallelModes);
        ModelSource(module, values, findings);
        Tokenizer(module, values, findings);
        Shape(module, values, findings);
        MeteredGpus(values, findings);
    }

    private static void Supported(IBackendModule module, EffectiveValues values, Findings findings, string name, IReadOnlyList<string> supported)
    {
        if (values.Word(name) is not { } value || supported.Contains(value)) return;
        var subject = values.IsSet(name) || !values.IsSet(CoreParameters.Backend) ? name : CoreParameters.Backend;
        findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.NotForBackend,
            $"backend = {module.Name} does not support {name} = {value}: choose one of {string.Join(", ", supported)}, or a backend that supports it.");
    }

    private static void ModelSource(IBackendModule module, EffectiveValues values, Findings findings)
    {
        var sources = module.Capabilities.ModelSources;
        var (kind, what) = values.Value("model") switch
        {
            ConfigValue.Call { Name: "synthetic" } => ((ModelSourceKind?)ModelSourceKind.Synthetic, "a synthetic model"),
            ConfigValue.Text t when t.Value.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) => (ModelSourceKind.GgufFile, "a GGUF file"),
            _ => (null, ""),
        };
        if (kind is not { } k || sources.Contains(k)) return;
        var subject = values.IsSet("model") || !values.IsSet(CoreParameters.Backend) ? "model" : CoreParameters.Backend;
        findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.NotForBackend,
            $"backend = {module.Name} cannot load {what}: its model can be {string.Join(" or ", sources.Select(Describe))}.");
    }

    /// <summary>
    /// Synthetic prompts are token ids of exact lengths: they need a tokenizer lem can use to make them, or a backend
    /// that takes ids (its rules then say where the model's tokenizer files must come from).
    /// </summary>
    private static void Tokenizer(IBackendModule module, EffectiveValues values, Findings findings)
    {
        var capabilities = module.Capabilities;
        if (capabilities.HasTokenizer || capabilities.TakesTokenIdPrompts || values.Value("prompts") is not ConfigValue.Call { Name: "synthetic" }) return;
        var subject = values.IsSet("prompts") || !values.IsSet(CoreParameters.Backend) ? "prompts" : CoreParameters.Backend;
        findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.NotForBackend,
            $"backend = {module.Name} has no tokenizer lem can use, and synthetic prompts are token ids of exact lengths: read prompts from a file (prompts = file(\"prompts.jsonl\")), or use a backend with a tokenizer.");
    }

    private static void Shape(IBackendModule module, EffectiveValues values, Findings findings)
    {
        var request = module.Capabilities.Shape == ExecutionShape.Request;
        if (!request && values.Word("traffic.mode") == "concurrent")
            findings.At("traffic.mode", values.Where("traffic.mode")).Error(DiagnosticCodes.NotForBackend,
                $"traffic.mode = concurrent keeps requests in flight for a backend that batches them itself (a server); backend = {module.Name} runs the batches lem forms: use traffic.mode = none, constant or poisson with batching.batch_size.");
        foreach (var name in (request ? BatchShapeOnly : RequestShapeOnly).Where(values.IsSet))
            findings.At(name, values.Where(name)).Warning(DiagnosticCodes.NotForBackend, request
                ? $"{name} has no effect with backend = {module.Name}: it batches requests itself (continuous batching); shape its load with traffic.mode, traffic.qps, traffic.max_concurrency or traffic.concurrency, or remove {name}."
                : $"{name} has no effect with backend = {module.Name}: lem forms its batches (batching.batch_size) and runs one at a time; remove {name}.");
    }

    private static void MeteredGpus(EffectiveValues values, Findings findings)
    {
        if (!values.IsSet("measurement.gpus") || values.Word("parallel.mode") != "data") return;
        findings.At("measurement.gpus", values.Where("measurement.gpus")).Error(DiagnosticCodes.CrossField,
            "measurement.gpus cannot be combined with parallel.mode = data: each data-parallel worker meters the device it runs on. Remove measurement.gpus.");
    }

    private static string Describe(ModelSourceKind kind) => kind switch
    {
        ModelSourceKind.HuggingFaceFolder => "a Hugging Face folder",
        ModelSourceKind.Synthetic => "synthetic(\"PRESET\")",
        ModelSourceKind.GgufFile => "a GGUF file",
        ModelSourceKind.ServerModelId => "a model id the server knows",
        ModelSourceKind.OrtGenAiFolder => "an ONNX Runtime GenAI folder",
        _ => kind.ToString(),
    };
}
