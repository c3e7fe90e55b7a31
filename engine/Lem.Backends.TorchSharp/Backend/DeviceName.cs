using Lem.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>The device parameter (cpu, cuda, cuda:N) as a TorchSharp device, checked against what is present.</summary>
public static class DeviceName
{
    public static (string Canonical, Device Device) Parse(string device)
    {
        var text = device.Trim().ToLowerInvariant();
        if (text == "cpu") return ("cpu", CPU);
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (text != "cuda" && (!int.TryParse(text[5..], out index) || index < 0))
                throw new InferenceException($"device \"{device}\" is not valid; write cpu, cuda or cuda:N.");
            if (!cuda.is_available())
                throw new InferenceException($"device \"{device}\" was asked for, but CUDA is not available to TorchSharp here (no GPU, or the CUDA libtorch is not on the library path); use device cpu or run on a GPU machine.");
            var count = cuda.device_count();
            if (index >= count)
                throw new InferenceException($"device \"{device}\" does not exist; this machine shows {count} CUDA device(s) (check CUDA_VISIBLE_DEVICES).");
            return ($"cuda:{index}", torch.device(DeviceType.CUDA, index));
        }
        throw new InferenceException($"device \"{device}\" is not one the torchsharp backend runs on; write cpu, cuda or cuda:N.");
    }
}
