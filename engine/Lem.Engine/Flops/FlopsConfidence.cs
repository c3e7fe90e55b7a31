namespace Lem.Engine.Flops;

/// <summary>How far a FLOPs figure can be trusted. Wire names: high, medium, low, none.</summary>
public enum FlopsConfidence
{
    /// <summary>Traced, and (where a formula exists) agreeing with it.</summary>
    High,
    /// <summary>Analytical, or traced but disagreeing with the formula.</summary>
    Medium,
    /// <summary>Parameter-based.</summary>
    Low,
    /// <summary>No figure.</summary>
    None,
}
