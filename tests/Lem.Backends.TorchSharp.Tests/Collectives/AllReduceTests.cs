using System.Runtime.InteropServices;
using Lem.Backends.TorchSharp.Collectives;
using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Collectives;

/// <summary>
/// The in-process sum (tested here on CPU tensors: the path of every split without NCCL) and the choice between it and
/// NCCL. NCCL itself needs GPUs: scripts/device/gpu-suite.sh (section tensor) runs it.
/// </summary>
public sealed class AllReduceTests
{
    [Fact]
    public void The_in_process_sum_leaves_the_sum_in_every_rank_tensor()
    {
        using var reduce = new InProcessAllReduce("test");
        Tensor[] parts = [tensor(new[] { 1f, 2f }), tensor(new[] { 10f, 20f }), tensor(new[] { 100f, 200f })];
        reduce.SumInPlace(parts);
        Assert.All(parts, p => Assert.Equal([111f, 222f], p.data<float>().ToArray()));
        Assert.StartsWith("in-process (partials copied to rank 0's device, summed there in rank order, the sum copied back): test", reduce.Description);
        foreach (var p in parts) p.Dispose();
    }

    [Fact]
    public void Parts_of_different_shapes_are_a_caller_bug()
    {
        using var reduce = new InProcessAllReduce("test");
        using var a = zeros(2);
        using var b = zeros(3);
        Assert.Throws<ArgumentException>(() => reduce.SumInPlace([a, b]));
        Assert.Throws<ArgumentException>(() => reduce.SumInPlace([a]));
    }

    [Fact]
    public void The_address_of_a_tensor_is_its_first_element_as_nccl_reads_it()
    {
        using var whole = arange(10, ScalarType.Float32);
        using var part = whole.narrow(0, 3, 4);
        var read = new float[4];
        Marshal.Copy(TensorMemory.Address(part), read, 0, 4);
        Assert.Equal([3f, 4f, 5f, 6f], read);
    }

    private static TensorSplit Split(params string[] devices) =>
        TensorSplit.Even(devices.Select(d => (d, d == "cpu" ? CPU : new Device(DeviceType.CUDA, int.Parse(d[5..])))).ToArray(), 8, 4);

    private static readonly string[] Nowhere = ["/nowhere/libnccl.so.2"];

    [Theory]
    [InlineData("auto", "NCCL sums on CUDA devices only, and a rank is on cpu", "cpu", "cpu")]
    [InlineData(null, "2 ranks share cuda:0, and NCCL takes each GPU once", "cuda:0", "cuda:0")]
    [InlineData("copy", "LEM_TORCHSHARP_ALL_REDUCE=copy", "cuda:0", "cuda:1")]
    [InlineData("auto", "libnccl.so.2 was not found (tried /nowhere/libnccl.so.2)", "cuda:0", "cuda:1")]
    public void Without_nccl_the_in_process_sum_is_chosen_and_says_why(string? setting, string why, params string[] devices)
    {
        using var reduce = AllReduceChoice.For(Split(devices), Nowhere, setting);
        Assert.IsType<InProcessAllReduce>(reduce);
        Assert.EndsWith(why, reduce.Description);
    }

    [Fact]
    public void An_unknown_setting_is_refused_with_the_values() =>
        Assert.Contains("it must be auto (NCCL where it can) or copy", Assert.Throws<InferenceException>(() => AllReduceChoice.For(Split("cpu", "cpu"), Nowhere, "mpi")).Message);

    [Fact]
    public void Nccl_is_looked_for_by_name_then_in_pytorch_wheel_layout()
    {
        Assert.Equal(["libnccl.so.2"], AllReduceChoice.NcclCandidates(null));
        Assert.Equal(["libnccl.so.2", "/venv/site-packages/nvidia/nccl/lib/libnccl.so.2"], AllReduceChoice.NcclCandidates("/venv/site-packages/torch/lib"));
    }

    [Theory]
    [InlineData(22705, "2.27.5")]
    [InlineData(21903, "2.19.3")]
    [InlineData(2708, "2.7.8")]
    public void Nccl_version_codes_read_as_nccl_writes_them(int code, string version) => Assert.Equal(version, NcclNative.FormatVersion(code));
}
