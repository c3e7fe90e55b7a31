namespace Lem.Engine.Flops;

/// <summary>Where a FLOPs figure came from, best first. Wire names: traced, analytical, parameter_based, unavailable.</summary>
public enum FlopsMethod
{
    /// <summary>Counted by the backend from the matmuls it executed.</summary>
    Traced,
    /// <summary>Per-architecture formula from config.json over the batch shapes actually run.</summary>
    Analytical,
    /// <summary>2 × parameters × tokens processed.</summary>
    ParameterBased,
    /// <summary>No figure: nothing to estimate from (the reason says what is missing).</summary>
    Unavailable,
}
