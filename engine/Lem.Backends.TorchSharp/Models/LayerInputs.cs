using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>What every decoder layer of a forward takes besides the hidden states and the batch: the RoPE rows of the
/// batch's positions, [b, q, 1, head_dim] (null for GPT-2, whose positions are embedded).</summary>
internal readonly record struct LayerInputs(Tensor? Cos, Tensor? Sin);
