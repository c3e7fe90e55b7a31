using Lem.Engine.Meters;

namespace Lem.Engine.Inference;

/// <summary>
/// A model ready to generate: resident on its device (in-process backends) or served by a process the backend started
/// or reached (server backends). Disposing frees it (memory, or the server). What it can generate with is one of the
/// two execution shapes: <see cref="IBatchModel"/> or <see cref="IRequestModel"/>.
/// </summary>
public interface ILoadedModel : IDisposable
{
    ModelInfo Info { get; }

    /// <summary>The model's tokenizer (token counts and synthetic prompts of exact lengths come from it).</summary>
    ITextTokenizer Tokenizer { get; }

    /// <summary>Blocks until all work queued on the device is finished (measurement-window edges). A server backend
    /// cannot reach the server's device: it returns at once, and its records say that synchronisation is the server's.</summary>
    void Synchronize();

    /// <summary>Peak device memory allocated since load or the last reset, bytes; null where the device cannot say.</summary>
    long? PeakDeviceMemoryBytes { get; }
    void ResetPeakDeviceMemory();

    /// <summary>
    /// Backend-specific facts that belong in every result (for example whether CUDA graphs were used and how many
    /// captures were made): text or numbers, keyed by snake_case names prefixed with the backend's name. They are
    /// recorded as they are; the ones named in <see cref="CounterFacts"/> are counters and get their window's share too.
    /// </summary>
    IReadOnlyDictionary<string, object> Facts => new Dictionary<string, object>();

    /// <summary>
    /// The numeric <see cref="Facts"/> that are counters since load (CUDA graph captures, contexts created, requests
    /// served): the runner records each one's change over the measurement window as <c>NAME_in_window</c>. Every other
    /// numeric fact is a constant (a thread count, a size, bits per weight) and has no window share.
    /// </summary>
    IReadOnlyCollection<string> CounterFacts => [];

    /// <summary>Things about the loaded model a reader of the results must know (a requested option that is not in effect, and why).</summary>
    IReadOnlyList<string> Warnings => [];

    /// <summary>Meters the model brings, begun and ended with every measurement window beside the engine's own (a
    /// server's Prometheus metrics, say). The model owns them: it disposes them.</summary>
    IReadOnlyList<IMeter> WindowMeters => [];

    /// <summary>Processes besides lem's own that do the model's host work (a launched server, whose children count with
    /// it): host energy is attributed to them too.</summary>
    IReadOnlyList<int> HostProcessIds => [];

    /// <summary>Log files the backend keeps (a launched server's output): copied into each run's folder with its records.</summary>
    IReadOnlyList<string> LogFiles => [];

    /// <summary>Lines the runner prints after the load (how layers were split across devices, say).</summary>
    IReadOnlyList<string> LoadNotes => [];

    /// <summary>
    /// Warnings about one measurement window, given the <see cref="Facts"/> as they were before it (work that happened
    /// inside the window but should not have, such as a CUDA graph capture), each as (code, message, remedy).
    /// </summary>
    IReadOnlyList<(string Code, string Message, string? Remedy)> WindowWarnings(IReadOnlyDictionary<string, object> factsBefore) => [];
}
