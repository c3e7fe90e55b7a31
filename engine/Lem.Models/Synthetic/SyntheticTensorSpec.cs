namespace Lem.Models.Synthetic;

/// <summary>A tensor of a synthetic checkpoint, by Hugging Face name, before its data is generated.</summary>
public sealed record SyntheticTensorSpec(string Name, long[] Shape, SyntheticInit Init)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
