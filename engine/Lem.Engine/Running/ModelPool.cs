using System.Diagnostics;
using Lem.Engine.Inference;

namespace Lem.Engine.Running;

/// <summary>
/// Keeps the last loaded model so that consecutive runs sharing model, quantization, precision, device (or pipeline or tensor-split devices) and backend
/// options load it once (a server backend's server is started once). Loading another model disposes the previous one first (device memory is released before the next load).
/// </summary>
public sealed class ModelPool : IDisposable
{
    private string? _key;
    private ILoadedModel? _model;

    /// <summary>Returns the loaded model for the request and the seconds its load took (0 when it was reused).</summary>
    public (ILoadedModel Model, double LoadSeconds, bool Reused) Get(IBackendModule backend, ModelLoadRequest request)
    {
        var key = Key(backend, request);
        if (_model is not null && _key == key) return (_model, 0, true);
        Release();
        var stopwatch = Stopwatch.StartNew();
        _model = backend.Load(request);
        _key = key;
        return (_model, stopwatch.Elapsed.TotalSeconds, false);
    }

    /// <summary>Whether <see cref="Get"/> would reuse the model loaded now rather than load one.</summary>
    public bool Holds(IBackendModule backend, ModelLoadRequest request) => _model is not null && _key == Key(backend, request);

    /// <summary>The model loaded now, if any.</summary>
    public ILoadedModel? Current => _model;

    public void Release()
    {
        _model?.Dispose();
        _model = null;
        _key = null;
    }

    public void Dispose() => Release();

    private static string Key(IBackendModule backend, ModelLoadRequest request)
    {
        var options = request.BackendOptions is null
            ? ""
            : string.Join(";", request.BackendOptions.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Key + "=" + o.Value));
        var pipeline = request.PipelineDevices is null ? "" : "pipeline=" + string.Join(",", request.PipelineDevices);
        var tensor = request.TensorDevices is null ? "" : "tensor=" + string.Join(",", request.TensorDevices);
        var precision = request.Precision + (request.PrecisionIsDefault ? " (default)" : "");
        return string.Join("|", backend.Name, request.Model, request.Quantization, precision, request.Device, pipeline, tensor, options);
    }
}
