using System.Runtime.InteropServices;
using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// libtorch operators that TorchSharp does not bind, called through the native helper (lem_fused_ops.cpp): each runs
/// as one kernel on CUDA where the TorchSharp composition would launch several. <see cref="Current"/> is set once the
/// helper has loaded in this process; models use it for tensors on CUDA and fall back to TorchSharp ops otherwise, in
/// eager and graph decoding alike, so that both compute exactly the same thing.
/// </summary>
public sealed unsafe class FusedOps
{
    private readonly delegate* unmanaged<IntPtr, IntPtr, double, IntPtr*, int> _rmsNorm;
    private readonly delegate* unmanaged<IntPtr> _lastError;
    private readonly delegate* unmanaged<int, int> _kernelsAvailable;
    private readonly delegate* unmanaged<int, int> _mmaReady;
    private readonly delegate* unmanaged<int*, int*, int, int, int, int, int> _kernelsConfigure;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr*, int> _ropeKvWrite;
    private readonly delegate* unmanaged<IntPtr, IntPtr*, int> _siluMul;
    private readonly delegate* unmanaged<IntPtr, IntPtr, int, long, IntPtr*, int> _dequantize;
    private readonly delegate* unmanaged<IntPtr> _kernelsLastError;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, int, IntPtr, double, IntPtr, IntPtr, int, IntPtr*, int> _gemv;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr*, int> _decodeAttention;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, int, IntPtr, double, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr*, int> _gemvRope;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int> _stepAdvance;
    private readonly string?[] _kernelsUnavailable = new string?[64];
    private readonly bool[] _kernelsChecked = new bool[64];
    private readonly bool[] _mmaGemvReady = new bool[64];

    internal FusedOps(string libraryPath)
    {
        var handle = NativeLibrary.Load(libraryPath);
        _rmsNorm = (delegate* unmanaged<IntPtr, IntPtr, double, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_rms_norm");
        _lastError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_ops_last_error");
        _kernelsAvailable = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(handle, "lem_decode_kernels_available");
        _mmaReady = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(handle, "lem_decode_kernels_mma_ready");
        _kernelsConfigure = (delegate* unmanaged<int*, int*, int, int, int, int, int>)NativeLibrary.GetExport(handle, "lem_decode_kernels_configure");
        _ropeKvWrite = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_rope_kv_write");
        _siluMul = (delegate* unmanaged<IntPtr, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_silu_mul");
        _dequantize = (delegate* unmanaged<IntPtr, IntPtr, int, long, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_dequantize");
        _kernelsLastError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "lem_kernels_last_error");
        _gemv = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, int, IntPtr, double, IntPtr, IntPtr, int, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_gemv");
        _decodeAttention = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_decode_attention");
        _gemvRope = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, int, IntPtr, double, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr*, int>)NativeLibrary.GetExport(handle, "lem_gemv_rope");
        _stepAdvance = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int>)NativeLibrary.GetExport(handle, "lem_step_advance");
    }

    /// <summary>
    /// Compiles (NVRTC, once per device) and loads the decode kernels of lem_decode_kernels.cpp for CUDA device
    /// <paramref name="deviceIndex"/>, with this process's <see cref="GemvTuning"/> and <see cref="ProgrammaticLaunchOn"/>;
    /// call it at model load, outside any graph capture. Null when they are ready, otherwise why not (models then keep
    /// the ATen operators).
    /// </summary>
    public string? PrepareDecodeKernels(int deviceIndex)
    {
        lock (_kernelsChecked)
        {
            if (!_kernelsChecked[deviceIndex])
            {
                _kernelsUnavailable[deviceIndex] = Configure() == 0 && _kernelsAvailable(deviceIndex) == 0
                    ? null
                    : Marshal.PtrToStringUTF8(_kernelsLastError()) ?? "unknown reason";
                _mmaGemvReady[deviceIndex] = _kernelsUnavailable[deviceIndex] is null && _mmaReady(deviceIndex) == 1;
                _kernelsChecked[deviceIndex] = true;
            }
            return _kernelsUnavailable[deviceIndex];
        }
    }

    /// <summary>Hands the configuration to the native side, which compiles and launches with it (the same for every device).</summary>
    private int Configure()
    {
        var tuning = GemvTuning.Current;
        fixed (int* unroll = tuning.Unroll, minBlocks = tuning.MinBlocks)
            return _kernelsConfigure(unroll, minBlocks, tuning.WarpsPerSm, (int)tuning.Mma, tuning.MmaMinRows, ProgrammaticLaunchOn ? 1 : 0);
    }

    /// <summary>
    /// Whether the tensor-core GEMV (up to 32 rows) is loaded for <paramref name="t"/>'s device: <see cref="GemvTuning.MmaVariable"/>
    /// set, sm_80 or later, and the decode kernels ready.
    /// </summary>
    public bool MmaGemvReady(Tensor t) => t.device_type == global::TorchSharp.DeviceType.CUDA && _mmaGemvReady[t.device_index];

    /// <summary>Whether the decode kernels serve <paramref name="t"/>: contiguous bf16 on a CUDA device whose kernels are ready.</summary>
    public bool DecodeKernelsServe(Tensor t) =>
        t.device_type == global::TorchSharp.DeviceType.CUDA && t.dtype == ScalarType.BFloat16 && t.is_contiguous()
        && _kernelsChecked[t.device_index] && _kernelsUnavailable[t.device_index] is null;

    /// <summary>
    /// One static-shape decode step's RoPE and KV-cache write in one kernel: reads the fused projection qkv
    /// [rows, 1, heads + 2·kv_heads, d], writes the rotated key and the value at cache position *index, and returns the
    /// rotated queries [rows, 1, heads, d]. cos and signed sin are the position rows [rows, 1, 1, d].
    /// </summary>
    public Tensor RopeKvWrite(Tensor qkv, Tensor cos, Tensor signedSin, Tensor index, Tensor keys, Tensor values, int heads, int kvHeads)
    {
        IntPtr result;
        if (_ropeKvWrite(qkv.Handle, cos.Handle, signedSin.Handle, index.Handle, keys.Handle, values.Handle, heads, kvHeads, &result) != 0)
            throw new CudaGraphException($"the fused RoPE and KV-cache write of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }

    /// <summary>silu(gate) · up over the fused projection gateUp [..., 2·inter] → [..., inter], one kernel.</summary>
    public Tensor SiluMul(Tensor gateUp)
    {
        IntPtr result;
        if (_siluMul(gateUp.Handle, &result) != 0)
            throw new CudaGraphException($"the fused SiLU·up of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }

    /// <summary>
    /// Whether <see cref="Dequantize"/> serves a stored weight: <see cref="DequantizeKernelOn"/>, on a CUDA device whose
    /// decode kernels are ready.
    /// </summary>
    public bool DequantizeServes(Tensor stored) =>
        DequantizeKernelOn && stored.device_type == global::TorchSharp.DeviceType.CUDA
        && _kernelsChecked[stored.device_index] && _kernelsUnavailable[stored.device_index] is null;

    /// <summary>
    /// A quantized weight as bf16 [out, in] in one kernel (lem_decode_kernels.cpp's dequantize), bit for bit what
    /// <see cref="Quantization.WeightQuantizer.Dequantize"/> computes with five (int8) to nine (int4) ATen kernels and fp32
    /// temporaries. The caller makes sure 16 bytes of stored weight hold whole inputs (int8: in-features a multiple of 16).
    /// </summary>
    internal Tensor Dequantize(Tensor stored, Tensor scales, Quantization.QuantizationScheme scheme, long inFeatures)
    {
        IntPtr result;
        if (_dequantize(stored.Handle, scales.Handle, (int)scheme, inFeatures, &result) != 0)
            throw new CudaGraphException($"the dequantize kernel of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }

    /// <summary>
    /// The decode GEMV (lem_decode_kernels.cpp): x [.., in] bf16 with at most 64 rows times the stored weight, with the
    /// RMSNorm weight <paramref name="normWeight"/> (or none) applied to x first and <paramref name="output"/> folded in.
    /// With <see cref="ProjectionOutput.AddToResidual"/> it returns <paramref name="residual"/>, updated in place.
    /// </summary>
    internal Tensor Gemv(Tensor x, LinearWeight weight, Tensor? bias, Tensor? normWeight, double eps, Tensor? residual, ProjectionOutput output)
    {
        IntPtr result;
        var status = _gemv(x.Handle, weight.Stored.Handle, weight.Scales?.Handle ?? IntPtr.Zero, (int)weight.Scheme, normWeight?.Handle ?? IntPtr.Zero, eps,
            bias?.Handle ?? IntPtr.Zero, residual?.Handle ?? IntPtr.Zero, (int)output, &result);
        if (status != 0)
            throw new CudaGraphException($"the decode GEMV of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
        return output == ProjectionOutput.AddToResidual ? residual! : Tensor.UnsafeCreateTensor(result);
    }

    /// <summary>
    /// The fused q/k/v projection of a static decode step in one kernel (the decode GEMV's RoPE epilogue): x [rows, 1, in]
    /// times the fused weight [(heads + 2·kv_heads)·d, in], with the RMSNorm <paramref name="normWeight"/> (or none) and
    /// the bias; then what <see cref="RopeKvWrite"/> does. Returns the rotated queries [rows, 1, heads, d].
    /// </summary>
    internal Tensor GemvRope(Tensor x, LinearWeight weight, Tensor? bias, Tensor? normWeight, double eps, Tensor cos, Tensor signedSin, Tensor index,
        Tensor keys, Tensor values, int heads, int kvHeads)
    {
        IntPtr result;
        var status = _gemvRope(x.Handle, weight.Stored.Handle, weight.Scales?.Handle ?? IntPtr.Zero, (int)weight.Scheme, normWeight?.Handle ?? IntPtr.Zero, eps,
            bias?.Handle ?? IntPtr.Zero, cos.Handle, signedSin.Handle, index.Handle, keys.Handle, values.Handle, heads, kvHeads, &result);
        if (status != 0)
            throw new CudaGraphException($"the decode GEMV with RoPE of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }

    /// <summary>The rows that <see cref="StepAdvance"/> takes (lem_decode_kernels.cpp's kStepAdvanceRows).</summary>
    public const int StepAdvanceMaxRows = 1024;

    /// <summary>Whether <see cref="StepAdvance"/> serves a step with these fp32 logits [rows, vocab] and this mask
    /// [rows, capacity] (the decode kernels serve the mask, and the rows are within the kernel's limit).</summary>
    internal bool StepAdvanceServes(Tensor logits, Tensor mask) =>
        DecodeKernelsServe(mask) && mask.shape[0] <= StepAdvanceMaxRows
        && logits.dtype == ScalarType.Float32 && logits.dim() == 2 && logits.is_contiguous() && logits.shape[0] == mask.shape[0];

    /// <summary>
    /// The end of a static decode step in one kernel (it replaces up to seven ATen kernels): with
    /// <paramref name="greedy"/>, the argmax of each row's fp32 <paramref name="logits"/> [rows, vocab] with the EOS ids
    /// held back as <see cref="Generation.DeviceGreedy"/> says, written to <paramref name="input"/> [rows, 1]; then
    /// <paramref name="positions"/> [rows, 1] one on, <paramref name="writeIndex"/> [1] one on (at most the mask's
    /// last column) and that column of <paramref name="mask"/> [rows, capacity] opened (0). The logits are left as they are.
    /// </summary>
    internal void StepAdvance(Tensor? logits, Generation.DeviceGreedy? greedy, Tensor input, Tensor positions, Tensor writeIndex, Tensor mask)
    {
        var status = greedy is null || logits is null
            ? _stepAdvance(IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, input.Handle, positions.Handle, writeIndex.Handle, mask.Handle)
            : _stepAdvance(logits.Handle, greedy.EosIds.Handle, greedy.EosHold.Handle, input.Handle, positions.Handle, writeIndex.Handle, mask.Handle);
        if (status != 0)
            throw new CudaGraphException($"the decode step advance of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
    }

    /// <summary>
    /// Attention of one query per row, q [rows, 1, heads, d], over the whole static cache [rows, kv_heads, capacity, d]
    /// under the additive mask (masked positions are skipped), one kernel split over blocks of 32 positions per KV
    /// head (the last block to finish combines them); returns [rows, 1, heads·d]. head_dim 32, 64, 128 or 256, at most
    /// 16 query heads per KV head.
    /// </summary>
    public Tensor DecodeAttention(Tensor q, Tensor keys, Tensor values, Tensor mask, int heads, int kvHeads)
    {
        IntPtr result;
        if (_decodeAttention(q.Handle, keys.Handle, values.Handle, mask.Handle, heads, kvHeads, &result) != 0)
            throw new CudaGraphException($"the decode attention of the native helper failed: {Marshal.PtrToStringUTF8(_kernelsLastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }

    /// <summary>
    /// Whether the decode kernels use programmatic dependent launch (on unless <see cref="ProgrammaticLaunchVariable"/>
    /// is off; handed to lem_decode_kernels.cpp with the GEMV's configuration): inside CUDA graphs on sm_90 and later, a kernel then
    /// starts while the one before it ends, and a GEMV's first weight loads overlap that end. Measured on an H100
    /// (2026-12-07, Llama-3.2-1B shape, bf16, 128 + 128 tokens, graphs; docs/benchmarks/2026-12-07-h100-decode-pdl.md):
    /// batch-1 TPOT 1.338 / 1.341 ms against 1.388 / 1.385 ms without, two alternating rounds in one call; batch 8
    /// and 32 (cuBLAS, not these kernels) unchanged. The record's decode-kernel fact says which ran.
    /// </summary>
    public static bool ProgrammaticLaunchOn => !PlainLaunch.Value;

    public const string ProgrammaticLaunchVariable = "LEM_TORCHSHARP_PDL";

    private static readonly Lazy<bool> PlainLaunch = Runtime.EnvironmentSwitch.Read(ProgrammaticLaunchVariable, off: "on", on: "off");

    /// <summary>
    /// Whether one kernel ends each static decode step (<see cref="StepAdvance"/>: the greedy argmax with EOS held back,
    /// then positions, write index and mask column) instead of up to seven ATen operators. Off unless
    /// <see cref="StepKernelVariable"/> is on: it has not yet run on a GPU (lem_decode_kernels.cpp's step_advance), and
    /// a same-call check against the ATen path comes before it becomes the default. The record's decode-kernel fact
    /// says which ran.
    /// </summary>
    public static bool StepKernelOn => StepKernel.Value;

    public const string StepKernelVariable = "LEM_TORCHSHARP_STEP_KERNEL";

    private static readonly Lazy<bool> StepKernel = Runtime.EnvironmentSwitch.Read(StepKernelVariable, off: "off", on: "on");

    /// <summary>
    /// Whether a quantized weight is dequantized to bf16 for an ATen product (prefill, and batches beyond the GEMV) by one
    /// kernel (<see cref="Dequantize"/>) instead of WeightQuantizer's ATen operators. Off unless
    /// <see cref="DequantizeKernelVariable"/> is on: it has not yet run on a GPU. The record's decode-kernel fact says
    /// which ran.
    /// </summary>
    public static bool DequantizeKernelOn => DequantizeKernel.Value;

    public const string DequantizeKernelVariable = "LEM_TORCHSHARP_DEQUANT_KERNEL";

    private static readonly Lazy<bool> DequantizeKernel = Runtime.EnvironmentSwitch.Read(DequantizeKernelVariable, off: "off", on: "on");

    /// <summary>The largest static cache the decode attention kernel takes.</summary>
    public const long DecodeAttentionMaxPositions = 8192;

    /// <summary>The helper's operators once loaded in this process (it is built per libtorch, and one libtorch is loaded).</summary>
    public static FusedOps? Current { get; internal set; }

    /// <summary>RMSNorm over the last dimension (fp32 accumulation, result in <paramref name="x"/>'s dtype), one CUDA kernel.</summary>
    public Tensor RmsNorm(Tensor x, Tensor weight, double eps)
    {
        IntPtr result;
        if (_rmsNorm(x.Handle, weight.Handle, eps, &result) != 0)
            throw new CudaGraphException($"the fused RMSNorm of the native helper failed: {Marshal.PtrToStringUTF8(_lastError())}");
        return Tensor.UnsafeCreateTensor(result);
    }
}
