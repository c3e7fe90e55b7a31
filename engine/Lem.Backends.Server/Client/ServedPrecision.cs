using System.Text.RegularExpressions;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Launching;
using Lem.Engine.Inference;
using Lem.Models.Gguf;

namespace Lem.Backends.Server.Client;

/// <summary>
/// The precision a served model runs at, as far as lem knows it, and how it knows: the dtype lem passed, else what the
/// server's start-up log says it loaded, else the float type of the GGUF file it serves (for an engine that takes no
/// dtype flag), else the precision the user stated for a server at <c>server.url</c>, else <c>auto</c> (the engine
/// chose and did not say). The record's model precision is this, not the registry's default.
/// </summary>
public static partial class ServedPrecision
{
    public const string Auto = "auto";

    [GeneratedRegex(@"dtype=torch\.(float16|bfloat16|float32|half|float)\b")]
    private static partial Regex TorchDtype();

    /// <param name="plan">The launch plan where lem started the server; null for a server at <c>server.url</c>.</param>
    /// <param name="log">The server's output so far (its start-up log), where lem started it.</param>
    /// <param name="gguf">The served GGUF file's description, where the model is one lem can read.</param>
    public static (string Precision, string Source) Decide(ServerEngine engine, ModelLoadRequest request, LaunchPlan? plan, string? log,
        GgufModelDescription? gguf = null)
    {
        if (plan is not null && LaunchPlanner.PassedDtype(engine, request) is { } dtype)
            return (request.Precision, $"precision, passed as {engine.DtypeFlag} {dtype}");
        if (plan is not null && engine.LogsTorchDtype && log is not null && TorchDtype().Matches(log) is { Count: > 0 } found)
        {
            var torch = found[^1].Groups[1].Value;
            return (Normalise(torch), $"{engine.DisplayName}'s own choice (precision not set, so lem passed no {engine.DtypeFlag}), as its log says: dtype=torch.{torch}");
        }
        if (engine.DtypeFlag is null && gguf?.FloatPrecision is { } filePrecision)
            return (filePrecision, $"the model file's: the GGUF's general.file_type {gguf.FileType} ({filePrecision} matrices); {engine.DisplayName} takes no dtype flag");
        if (plan is null && !request.PrecisionIsDefault)
            return (request.Precision, "precision as set; lem cannot check what the server at server.url runs");
        if (plan is null)
            return (Auto, "unknown: the server at server.url does not report it (set precision to state it)");
        return (Auto, engine.DtypeFlag is null
            ? $"the model file's: {engine.DisplayName} takes no dtype flag and does not report it"
            : $"{engine.DisplayName}'s own choice (precision not set, so lem passed no {engine.DtypeFlag}); its log does not name it");
    }

    private static string Normalise(string torch) => torch switch
    {
        "bfloat16" => "bf16",
        "float16" or "half" => "fp16",
        _ => "fp32",
    };
}
