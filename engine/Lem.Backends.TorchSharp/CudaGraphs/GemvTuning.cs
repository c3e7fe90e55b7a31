using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// The decode GEMV's launch configuration, read once from five environment variables for same-call A/B benchmarks
/// and handed to lem_decode_kernels.cpp before it compiles its kernels (<see cref="FusedOps.PrepareDecodeKernels"/>);
/// the record's decode-kernel fact says the configuration in force:
/// <list type="bullet">
/// <item><see cref="UnrollVariable"/>: 16-byte weight vectors each lane keeps in flight per row, 1, 2 or 4;</item>
/// <item><see cref="MinBlocksVariable"/>: resident 256-thread blocks per multiprocessor that the one-row kernels'
/// registers must allow, 0 (the compiler's choice) to 8;</item>
/// <item><see cref="SplitVariable"/>: how far warps share a row group's in-dimension: <c>wave</c> (as far as one wave
/// of resident blocks holds) or N (until N warps per multiprocessor are busy);</item>
/// <item><see cref="MmaVariable"/>: the tensor-core GEMV (mma.sync, sm_80 and later) for 2 (or, with <see cref="MmaMinRowsVariable"/>, 1) to 32 rows: <c>off</c>,
/// <c>quantized</c> (int8 and int4 weights, instead of the CUDA-core GEMV) or <c>all</c> (bf16 weights too, instead
/// of cuBLAS). It splits a tile's in-dimension as far as one wave of resident blocks holds, whatever
/// <see cref="SplitVariable"/> says, and is compiled only when on;</item>
/// <item><see cref="MmaMinRowsVariable"/>: the fewest rows the tensor-core GEMV takes, 2 (the default) or 1, so that a
/// batch-1 A/B can compare it with the one-row CUDA-core kernels (the weight conversion is the same; the register
/// pressure, and so the occupancy, is not).</item>
/// </list>
/// The first two take one value for every weight scheme or three (bf16, int8, int4) separated by commas.
/// </summary>
/// <param name="Unroll">Per scheme (bf16, int8, int4).</param>
/// <param name="MinBlocks">Per scheme; 0: the compiler's choice.</param>
/// <param name="WarpsPerSm">The split's target; 0: one wave of resident blocks.</param>
/// <param name="Mma">Which weights the tensor-core GEMV serves at <paramref name="MmaMinRows"/> to 32 rows.</param>
/// <param name="MmaMinRows">1 or 2.</param>
internal sealed record GemvTuning(int[] Unroll, int[] MinBlocks, int WarpsPerSm, TensorCoreGemv Mma, int MmaMinRows)
{
    public const string UnrollVariable = "LEM_TORCHSHARP_GEMV_UNROLL";
    public const string MinBlocksVariable = "LEM_TORCHSHARP_GEMV_MIN_BLOCKS";
    public const string SplitVariable = "LEM_TORCHSHARP_GEMV_SPLIT";
    public const string MmaVariable = "LEM_TORCHSHARP_GEMV_MMA";
    public const string MmaMinRowsVariable = "LEM_TORCHSHARP_GEMV_MMA_MIN_ROWS";

    private static readonly int[] DefaultUnroll = [2, 2, 2];
    private static readonly int[] DefaultMinBlocks = [0, 0, 0];
    private const int DefaultWarpsPerSm = 16;

    private static readonly Lazy<GemvTuning> FromEnvironment = new(() => Read(Environment.GetEnvironmentVariable));

    /// <summary>The configuration of this process; throws, naming the variable and the remedy, when one is malformed.</summary>
    public static GemvTuning Current => FromEnvironment.Value;

    /// <summary>The configuration in force, in words (see <see cref="Current"/>).</summary>
    public static string Describe() => Current.Words;

    /// <summary>The configuration that <paramref name="variables"/> give, in words.</summary>
    internal static string Describe(Func<string, string?> variables) => Read(variables).Words;

    private string Words =>
        $"GEMV vectors in flight per lane and row {string.Join('/', Unroll)}, minimum resident blocks {string.Join('/', MinBlocks)} (bf16/int8/int4), " +
        (WarpsPerSm == 0 ? "split as far as one wave of resident blocks holds" : $"split until {WarpsPerSm} warps per multiprocessor are busy") +
        Mma switch
        {
            TensorCoreGemv.Quantized => $", tensor-core GEMV for {MmaMinRows} to 32 rows of int8 and int4 weights ({MmaVariable})",
            TensorCoreGemv.All => $", tensor-core GEMV for {MmaMinRows} to 32 rows of every weight ({MmaVariable})",
            _ => "",
        };

    private static GemvTuning Read(Func<string, string?> variables)
    {
        var unroll = PerScheme(variables, UnrollVariable, DefaultUnroll, v => v is 1 or 2 or 4, "1, 2 or 4");
        var minBlocks = PerScheme(variables, MinBlocksVariable, DefaultMinBlocks, v => v is >= 0 and <= 8, "a whole number from 0 to 8");
        var mma = variables(MmaVariable) switch
        {
            null or "" or "off" => TensorCoreGemv.Off,
            "quantized" => TensorCoreGemv.Quantized,
            "all" => TensorCoreGemv.All,
            var other => throw new InferenceException($"{MmaVariable} is \"{other}\"; it must be off, quantized or all (unset: off)."),
        };
        var mmaMinRows = variables(MmaMinRowsVariable) switch
        {
            null or "" or "2" => 2,
            "1" => 1,
            var other => throw new InferenceException($"{MmaMinRowsVariable} is \"{other}\"; it must be 1 or 2 (unset: 2)."),
        };
        var split = variables(SplitVariable);
        if (string.IsNullOrEmpty(split)) return new(unroll, minBlocks, DefaultWarpsPerSm, mma, mmaMinRows);
        if (split == "wave") return new(unroll, minBlocks, 0, mma, mmaMinRows);
        if (WholeNumber(split) is { } warps && warps is >= 1 and <= 64) return new(unroll, minBlocks, warps, mma, mmaMinRows);
        throw new InferenceException($"{SplitVariable} is \"{split}\"; it must be wave or a whole number of warps per multiprocessor from 1 to 64 (unset: {DefaultWarpsPerSm}).");
    }

    private static int[] PerScheme(Func<string, string?> variables, string variable, int[] defaults, Func<int, bool> valid, string allowed)
    {
        var text = variables(variable);
        if (string.IsNullOrEmpty(text)) return defaults;
        var values = text.Split(',').Select(p => WholeNumber(p) is { } v && valid(v) ? v : (int?)null).ToArray();
        if (values.Length is not (1 or 3) || values.Any(v => v is null))
            throw new InferenceException(
                $"{variable} is \"{text}\"; give one value for every weight scheme or three (bf16, int8, int4) separated by commas, each {allowed} (unset: {string.Join(',', defaults)}).");
        return values.Length == 1 ? [values[0]!.Value, values[0]!.Value, values[0]!.Value] : values.Select(v => v!.Value).ToArray();
    }

    private static int? WholeNumber(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>Which weights the tensor-core GEMV serves (the native side's numbering).</summary>
internal enum TensorCoreGemv
{
    Off = 0,
    Quantized = 1,
    All = 2,
}
