using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Tests.Meters.Nvml;

public class GpuDeviceSelectorTests
{
    // NVML enumerates the 0x41 GPU first; PCI order is 0x1B, 0x41, 0x8A.
    private static FakeNvml ThreeGpus() => new(new ManualClock(),
        new FakeGpu("GPU-bbbb-2222", "00000000:41:00.0"),
        new FakeGpu("GPU-cccc-3333", "00000000:8A:00.0"),
        new FakeGpu("GPU-aaaa-1111", "00000000:1B:00.0"));

    [Fact]
    public void Cuda_ordinals_follow_pci_bus_order_not_nvml_order()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["cuda:0", "cuda:2"], null, null);
        Assert.Empty(s.Errors);
        Assert.Equal(["GPU-aaaa-1111", "GPU-cccc-3333"], s.Gpus.Select(g => g.Device.Uuid));
        Assert.Equal(["gpu:0", "gpu:2"], s.Gpus.Select(g => g.Label));
    }

    [Fact]
    public void Cuda_visible_devices_with_ordinals_remaps()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["cuda:0", "cuda:1"], "2,0", null);
        Assert.Empty(s.Errors);
        Assert.Equal(["GPU-cccc-3333", "GPU-aaaa-1111"], s.Gpus.Select(g => g.Device.Uuid));
    }

    [Fact]
    public void Cuda_visible_devices_with_uuid_prefixes()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["cuda:0"], "GPU-bbbb", null);
        Assert.Equal("00000000:41:00.0", Assert.Single(s.Gpus).Device.PciBusId);
    }

    [Fact]
    public void Ordinal_beyond_visible_devices_is_an_error_naming_the_variable()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["cuda:1"], "1", null);
        Assert.Empty(s.Gpus);
        Assert.Contains("CUDA_VISIBLE_DEVICES='1'", Assert.Single(s.Errors));
    }

    [Fact]
    public void Minus_one_hides_all_devices()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["cuda:0"], "-1", null);
        Assert.Empty(s.Gpus);
        Assert.Single(s.Errors);
    }

    [Fact]
    public void Pci_bus_ids_are_normalised_and_uuids_matched_directly()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["0000:8a:00.0", "GPU-aaaa-1111"], null, null);
        Assert.Empty(s.Errors);
        Assert.Equal(["GPU-cccc-3333", "GPU-aaaa-1111"], s.Gpus.Select(g => g.Device.Uuid));
    }

    [Fact]
    public void Mig_instance_on_a_single_gpu_maps_to_that_gpu()
    {
        var nvml = new FakeNvml(new ManualClock(), new FakeGpu("GPU-aaaa", "00000000:1B:00.0"));
        var s = GpuDeviceSelector.Select(nvml, ["cuda:0"], "MIG-1234-5678", null);
        var gpu = Assert.Single(s.Gpus);
        Assert.Equal("MIG-1234-5678", gpu.MigInstance);
    }

    [Fact]
    public void Mixed_models_without_pci_order_give_a_caveat()
    {
        var nvml = new FakeNvml(new ManualClock(), new FakeGpu("GPU-a", "00000000:1B:00.0", "NVIDIA A100"), new FakeGpu("GPU-b", "00000000:41:00.0", "NVIDIA H100"));
        Assert.Single(GpuDeviceSelector.Select(nvml, ["cuda:0"], null, null).Notes);
        Assert.Empty(GpuDeviceSelector.Select(nvml, ["cuda:0"], null, "PCI_BUS_ID").Notes);
    }

    [Fact]
    public void Nonsense_device_and_duplicates_are_errors()
    {
        var s = GpuDeviceSelector.Select(ThreeGpus(), ["tpu:0", "cuda:0", "GPU-aaaa"], null, null);
        Assert.Equal(2, s.Errors.Count);
        Assert.Contains(s.Errors, e => e.Contains("tpu:0"));
        Assert.Contains(s.Errors, e => e.Contains("already selected"));
    }
}
