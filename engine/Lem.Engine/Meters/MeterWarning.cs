using Lem.Engine.Results.Schema;

namespace Lem.Engine.Meters;

/// <summary>A typed warning from a meter: a stable code, the cause seen, and what the user can do about it.</summary>
/// <param name="Code">Stable identifier, for example <c>gpu-throttled</c>, <c>low-confidence-window</c>.</param>
/// <param name="Kind">A warning, or a note on how a figure was obtained (nothing to fix).</param>
public sealed record MeterWarning(string Code, string Cause, string Remedy, WarningKind Kind = WarningKind.Warning)
{
    public override string ToString() => $"{Code}: {Cause} Remedy: {Remedy}";
}
