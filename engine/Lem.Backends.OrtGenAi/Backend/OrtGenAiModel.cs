using Lem.Backends.OrtGenAi.Generation;
using Lem.Engine.Inference;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Lem.Backends.OrtGenAi.Backend;

/// <summary>A model loaded by ONNX Runtime GenAI (<see cref="OrtGenAiModule"/>); one generate call at a time.</summary>
public sealed class OrtGenAiModel : IBatchModel
{
    private readonly Model _model;
    private readonly GenAiFolder _folder;
    private readonly int? _slidingWindow;
    private readonly IReadOnlyDictionary<string, object> _facts;
    private bool _disposed;

    internal OrtGenAiModel(Model model, GenAiFolder folder, int? slidingWindow, ITextTokenizer tokenizer, ModelInfo info, IReadOnlyDictionary<string, object> facts, IReadOnlyList<string> warnings)
    {
        _model = model;
        _folder = folder;
        _slidingWindow = slidingWindow;
        Tokenizer = tokenizer;
        Info = info;
        _facts = facts;
        Warnings = warnings;
    }

    public ModelInfo Info { get; }
    public ITextTokenizer Tokenizer { get; }
    public IReadOnlyDictionary<string, object> Facts => _facts;
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The ONNX Runtime GenAI folder that was loaded (a converted one for Hugging Face and synthetic models).</summary>
    public string Folder => _folder.Folder;

    public BatchGeneration Generate(IReadOnlyList<int[]> promptTokenIds, GenerationSettings settings, ITokenObserver? observer = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BatchGenerator.Generate(_model, _folder, _slidingWindow, promptTokenIds, settings, observer);
    }

    /// <summary>The CPU provider computes synchronously: when a call returns, its work is done.</summary>
    public void Synchronize()
    {
    }

    /// <summary>Null: the CPU has no device memory to report (process memory is the engine's to measure).</summary>
    public long? PeakDeviceMemoryBytes => null;

    public void ResetPeakDeviceMemory()
    {
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _model.Dispose();
    }
}
