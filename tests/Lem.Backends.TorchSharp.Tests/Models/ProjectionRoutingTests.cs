using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Models;
using Lem.Backends.TorchSharp.Quantization;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

/// <summary>
/// Which rows the decode GEMV takes from ATen (Projection.GemvTakesRows), for every weight scheme and tensor-core
/// setting: the native side follows the same rules (lem_decode_kernels.cpp's run_gemv), and anything the GEMV does not
/// take goes to cuBLAS.
/// </summary>
public sealed class ProjectionRoutingTests
{
    private static GemvTuning Tuning(TensorCoreGemv mma, int minRows = 2) => new([2, 2, 2], [0, 0, 0], 16, mma, minRows);

    private static bool Takes(long rows, LinearWeight w, TensorCoreGemv mma, bool mmaReady = true, int minRows = 2, int denseMaxRows = 1) =>
        Projection.GemvTakesRows(rows, w, mmaReady, Tuning(mma, minRows), denseMaxRows);

    [Theory]
    [InlineData("int8")]
    [InlineData("int4")]
    public void A_quantized_weight_takes_up_to_32_rows_whatever_the_tensor_core_setting(string scheme)
    {
        using var dense = randn(64, 256);
        using var w = LinearWeight.From(dense.clone(), QuantizationSchemes.Parse(scheme), "w");
        foreach (var mma in new[] { TensorCoreGemv.Off, TensorCoreGemv.Quantized, TensorCoreGemv.All })
        {
            Assert.True(Takes(1, w, mma) && Takes(8, w, mma) && Takes(32, w, mma));
            Assert.False(Takes(33, w, mma));
        }
    }

    [Fact]
    public void A_bf16_weight_leaves_cublas_only_for_the_tensor_core_gemv_on_every_weight_where_it_is_loaded()
    {
        using var w = LinearWeight.Dense(randn(64, 256, dtype: ScalarType.BFloat16));
        Assert.True(Takes(1, w, TensorCoreGemv.Off));
        Assert.False(Takes(2, w, TensorCoreGemv.Off));
        Assert.False(Takes(2, w, TensorCoreGemv.Quantized));
        Assert.True(Takes(2, w, TensorCoreGemv.All) && Takes(32, w, TensorCoreGemv.All));
        Assert.False(Takes(33, w, TensorCoreGemv.All));
        Assert.False(Takes(8, w, TensorCoreGemv.All, mmaReady: false)); // below sm_80, or not compiled: cuBLAS, not the CUDA-core GEMV
        Assert.True(Takes(8, w, TensorCoreGemv.Off, denseMaxRows: 8)); // LEM_TORCHSHARP_GEMV_MAX_ROWS=8
    }

    [Fact]
    public void Cublas_only_stays_cublas_only_unless_single_rows_are_asked_of_the_tensor_cores()
    {
        using var w = LinearWeight.Dense(randn(64, 256, dtype: ScalarType.BFloat16));
        Assert.False(Takes(1, w, TensorCoreGemv.All, denseMaxRows: 0)); // LEM_TORCHSHARP_GEMV_MAX_ROWS=0
        Assert.True(Takes(1, w, TensorCoreGemv.All, minRows: 1, denseMaxRows: 0));
    }

    [Fact]
    public void A_bf16_weight_whose_inputs_four_vectors_do_not_divide_stays_with_cublas()
    {
        using var w = LinearWeight.Dense(randn(64, 264, dtype: ScalarType.BFloat16)); // 264 = 33 vectors of 8
        Assert.False(Takes(2, w, TensorCoreGemv.All));
    }
}
