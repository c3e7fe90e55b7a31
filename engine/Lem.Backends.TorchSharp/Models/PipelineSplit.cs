using System.Globalization;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Where the parts of a model live: the embeddings on the first stage's device, contiguous blocks of decoder layers
/// per stage, the final norm and the LM head on the last stage's device. One stage is the ordinary single-device model.
/// </summary>
public sealed class PipelineSplit
{
    private readonly int[] _stageOfLayer;

    private PipelineSplit(IReadOnlyList<PipelineStage> stages)
    {
        Stages = stages;
        _stageOfLayer = stages.SelectMany((s, i) => Enumerable.Repeat(i, s.LayerCount)).ToArray();
    }

    public IReadOnlyList<PipelineStage> Stages { get; }

    public bool IsPipeline => Stages.Count > 1;

    /// <summary>The device of the embeddings (where input ids, positions and masks start).</summary>
    public Device First => Stages[0].Device;

    /// <summary>The device of the final norm and the LM head (where logits come out).</summary>
    public Device Last => Stages[^1].Device;

    public int LayerCount => _stageOfLayer.Length;

    public Device DeviceOfLayer(int layer) => Stages[_stageOfLayer[layer]].Device;

    /// <summary>The device of every decoder layer, in layer order (for the KV cache).</summary>
    public IReadOnlyList<Device> LayerDevices => _stageOfLayer.Select(s => Stages[s].Device).ToArray();

    /// <summary>"cuda:0:0-7,cuda:1:8-15": each stage's device and its first and last decoder layer.</summary>
    public string Describe() => string.Join(",", Stages.Select(s =>
        string.Create(CultureInfo.InvariantCulture, $"{s.DeviceName}:{s.FirstLayer}-{s.FirstLayer + s.LayerCount - 1}")));

    public static PipelineSplit Single(string deviceName, Device device, int layers) => new([new PipelineStage(deviceName, device, 0, layers)]);

    /// <summary>
    /// Splits <paramref name="layers"/> decoder layers over the devices in order, as evenly as possible (the first
    /// devices take one layer more when the count does not divide). A GPU may appear once; <c>cpu</c> may repeat (the
    /// stages then share host memory: it checks a split without GPUs).
    /// </summary>
    public static PipelineSplit Even(IReadOnlyList<(string Name, Device Device)> devices, int layers)
    {
        var names = string.Join(", ", devices.Select(d => d.Name));
        if (devices.Count < 2)
            throw new InferenceException(
                $"A pipeline needs at least two devices, but it was given {devices.Count} ({names}). List two or more devices (for example cuda:0, cuda:1), or run on one device without a pipeline.");
        var repeated = devices.Where(d => d.Name != "cpu").GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new InferenceException(
                $"Pipeline devices {names} name {repeated.Key} {repeated.Count()} times; each GPU holds one contiguous block of layers, so list each GPU once.");
        if (devices.Count > layers)
            throw new InferenceException(
                $"A pipeline over {devices.Count} devices ({names}) needs at least one decoder layer per device, but the model has {layers}. Use at most {layers} devices.");
        var stages = new List<PipelineStage>();
        var first = 0;
        for (var k = 0; k < devices.Count; k++)
        {
            var count = layers / devices.Count + (k < layers % devices.Count ? 1 : 0);
            stages.Add(new PipelineStage(devices[k].Name, devices[k].Device, first, count));
            first += count;
        }
        return new PipelineSplit(stages);
    }
}
