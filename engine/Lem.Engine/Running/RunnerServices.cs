using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Engine.Running;

/// <summary>What the runner needs from outside the engine core: the inference backends, and how a model spec becomes a folder.</summary>
/// <param name="Backends">Backends by name (the <c>backend</c> parameter).</param>
/// <param name="ResolveModelFolder">Turns a model spec into a Hugging Face layout folder (generating synthetic models into the cache on first use).</param>
/// <param name="Log">Where progress and summaries go (stderr for the CLI).</param>
public sealed record RunnerServices(
    IReadOnlyDictionary<string, IInferenceBackend> Backends,
    Func<ModelSpec, string, string> ResolveModelFolder,
    TextWriter Log)
{
    public IInferenceBackend Backend(string name) =>
        Backends.TryGetValue(name, out var backend)
            ? backend
            : throw new RunnerException($"backend '{name}' is not available in this build of lem (available: {string.Join(", ", Backends.Keys)}). Remedy: set backend to one of those.");
}
