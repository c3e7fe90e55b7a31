using Lem.Engine.Flops;

namespace Lem.Engine.Results.Schema;

/// <summary>Floating-point work of the window (a multiply-add counts 2) and utilisation figures.</summary>
/// <param name="Method">traced, analytical or parameter-based.</param>
/// <param name="Confidence">How far the method can be trusted, in words (high, medium, low).</param>
/// <param name="Mfu">Model FLOPs utilisation, a fraction of the device's peak (0..1).</param>
/// <param name="Mbu">Model bandwidth utilisation, a fraction of the device's peak memory bandwidth (0..1).</param>
public sealed record FlopsRecord(
    string Method,
    string Confidence,
    double? PrefillFlops,
    double? DecodeFlops,
    double? TotalFlops,
    double? FlopsPerOutputToken,
    double? Mfu = null,
    string? MfuNote = null,
    double? Mbu = null,
    string? MbuNote = null)
{
    public static FlopsRecord From(FlopCount count, string method, string confidence, long outputTokens) =>
        new(method, confidence, count.PrefillFlops, count.DecodeFlops, count.TotalFlops,
            outputTokens > 0 ? count.TotalFlops / outputTokens : null);
}
