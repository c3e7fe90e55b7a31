namespace Lem.Engine.Meters;

/// <summary>A typed warning from a meter: a stable code, the cause seen, and what the user can do about it.</summary>
/// <param name="Code">Stable identifier, for example <c>gpu-throttled</c>, <c>low-confidence-window</c>.</param>
public sealed record MeterWarning(string Code, string Cause, string Remedy)
{
    public override string ToString() => $"{Code}: {Cause} Remedy: {Remedy}";
}
