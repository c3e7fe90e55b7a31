namespace Lem.Models.Synthetic;

/// <summary>How a synthetic tensor is filled.</summary>
public enum SyntheticInit
{
    /// <summary>Approximately normal with standard deviation 0.02 (transformers' initializer_range).</summary>
    Normal,
    /// <summary>All ones (norm weights).</summary>
    Ones,
    /// <summary>All zeros (biases).</summary>
    Zeros,
}
