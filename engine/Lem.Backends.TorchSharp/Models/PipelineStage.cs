using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>One device of a <see cref="PipelineSplit"/> and the contiguous decoder layers it runs.</summary>
/// <param name="DeviceName">Canonical name (<c>cpu</c>, <c>cuda:1</c>).</param>
public sealed record PipelineStage(string DeviceName, Device Device, int FirstLayer, int LayerCount);
