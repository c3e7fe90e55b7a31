namespace Lem.Engine.Meters;

/// <summary>What a meter can do on this machine, for <c>lem env</c> and for every result.</summary>
/// <param name="Measures">What it measures or estimates, in words (for example <c>GPU energy counter, 2 devices</c>).</param>
/// <param name="UnavailableReason">Why it cannot measure, with the remedy; null when available.</param>
/// <param name="UpdatePeriodMs">Measured update period of its counter, where it has one.</param>
public sealed record MeterHealth(string MeterName, bool Available, string Measures, string? UnavailableReason = null, double? UpdatePeriodMs = null);
