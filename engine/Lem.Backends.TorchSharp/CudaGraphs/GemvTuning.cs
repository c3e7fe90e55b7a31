using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// The decode GEMV's launch configuration, read from three environment variables for same-call A/B benchmarks
/// (lem_decode_kernels.cpp reads the same ones, after this class has checked them; the record's decode-kernel fact
/// says the configuration in force):
/// <list type="bullet">
/// <item><see cref="UnrollVariable"/>: 16-byte weight vectors each lane keeps in flight per row, 1, 2 or 4;</item>
/// <item><see cref="MinBlocksVariable"/>: resident 256-thread blocks per multiprocessor that the one-row kernels'
/// registers must allow, 0 (the compiler's choice) to 8;</item>
/// <item><see cref="SplitVariable"/>: how far warps share a row group's in-dimension: <c>wave</c> (as far as one wave
/// of resident blocks holds) or N (until N warps per multiprocessor are busy).</item>
/// </list>
/// The first two take one value for every weight scheme or three (bf16, int8, int4) separated by commas.
/// </summary>
internal static class GemvTuning
{
    public const string UnrollVariable = "LEM_TORCHSHARP_GEMV_UNROLL";
    public const string MinBlocksVariable = "LEM_TORCHSHARP_GEMV_MIN_BLOCKS";
    public const string SplitVariable = "LEM_TORCHSHARP_GEMV_SPLIT";

    private static readonly int[] DefaultUnroll = [2, 2, 2];
    private static readonly int[] DefaultMinBlocks = [0, 0, 0];
    private const string DefaultSplit = "16";

    private static readonly Lazy<string> Checked = new(() => Describe(Environment.GetEnvironmentVariable));

    /// <summary>The configuration in words; throws, naming the variable and the remedy, when one is malformed.</summary>
    public static string Describe() => Checked.Value;

    /// <summary>The configuration that <paramref name="variables"/> give, in words (as <see cref="Describe()"/>).</summary>
    internal static string Describe(Func<string, string?> variables)
    {
        var unroll = PerScheme(variables, UnrollVariable, DefaultUnroll, v => v is 1 or 2 or 4, "1, 2 or 4");
        var minBlocks = PerScheme(variables, MinBlocksVariable, DefaultMinBlocks, v => v is >= 0 and <= 8, "a whole number from 0 to 8");
        var split = variables(SplitVariable);
        if (string.IsNullOrEmpty(split)) split = DefaultSplit;
        else if (split != "wave" && !(int.TryParse(split, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var warps) && warps is >= 1 and <= 64))
            throw new InferenceException($"{SplitVariable} is \"{split}\"; it must be wave or a whole number of warps per multiprocessor from 1 to 64 (unset: {DefaultSplit}).");
        var splitWords = split == "wave" ? "split as far as one wave of resident blocks holds" : $"split until {split} warps per multiprocessor are busy";
        return $"GEMV vectors in flight per lane and row {string.Join('/', unroll)}, minimum resident blocks {string.Join('/', minBlocks)} (bf16/int8/int4), {splitWords}";
    }

    private static int[] PerScheme(Func<string, string?> variables, string variable, int[] defaults, Func<int, bool> valid, string allowed)
    {
        var text = variables(variable);
        if (string.IsNullOrEmpty(text)) return defaults;
        var parts = text.Split(',');
        // whole numbers only, as the native side (strtol, nothing after the digits) reads them
        var values = parts.Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && valid(v) ? v : (int?)null).ToArray();
        if (parts.Length is not (1 or 3) || values.Any(v => v is null))
            throw new InferenceException(
                $"{variable} is \"{text}\"; give one value for every weight scheme or three (bf16, int8, int4) separated by commas, each {allowed} (unset: {string.Join(',', defaults)}).");
        return parts.Length == 1 ? [values[0]!.Value, values[0]!.Value, values[0]!.Value] : values.Select(v => v!.Value).ToArray();
    }
}
