namespace Lem.Engine.Measurement;

/// <summary>One check of <see cref="MeterSelfCheck"/>: what was checked, whether it passed, and the figures behind it.</summary>
public sealed record SelfCheckItem(string Check, bool Passed, string Detail);
