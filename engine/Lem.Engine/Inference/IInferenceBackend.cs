namespace Lem.Engine.Inference;

/// <summary>
/// An inference library (TorchSharp, later a server or ONNX GenAI). The engine core holds no inference
/// code: the CLI hands it a backend, and the runner drives it through this interface.
/// </summary>
public interface IInferenceBackend
{
    /// <summary>The name used by the <c>backend</c> parameter (for example <c>torchsharp</c>).</summary>
    string Name { get; }

    /// <summary>Loads a model. Throws <see cref="InferenceException"/> with a one-line message and remedy on bad input.</summary>
    ILoadedModel Load(ModelLoadRequest request);
}
