using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// The additive attention mask of static-shape decode, [rows, capacity] in the model dtype: 0 where a row may attend,
/// −∞ elsewhere. Additive rather than bool because scaled_dot_product_attention turns a bool mask into an additive one
/// on every call — two extra kernels per layer and step; this mask is built once per batch and opened one column per step.
/// </summary>
internal static class StaticDecodeMask
{
    /// <summary>Only the batch's real prompt columns are open; generated columns open as they are written.</summary>
    public static void Reset(Tensor mask, PaddedBatch batch)
    {
        using var scope = NewDisposeScope(); // the temporaries (logical_not, narrow) are freed here
        mask.fill_(0);
        if (batch.KeyValid is not null) mask.masked_fill_(batch.KeyValid.logical_not(), double.NegativeInfinity);
        mask.narrow(1, batch.PromptLength, mask.shape[1] - batch.PromptLength).fill_(double.NegativeInfinity);
    }

    /// <summary>Opens cache position <paramref name="offset"/> of a [rows, 1, 1, capacity] view of the mask.</summary>
    public static void Open(Tensor mask4d, long offset) => mask4d.narrow(3, offset, 1).fill_(0);
}
