using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>One device of a <see cref="TensorSplit"/>: it holds <see cref="Shard"/> of every layer.</summary>
/// <param name="DeviceName">Canonical name (<c>cpu</c>, <c>cuda:1</c>).</param>
public sealed record TensorRank(string DeviceName, Device Device, TensorShard Shard);
