namespace Lem.Engine.Meters.Gpu;

/// <summary>Why a GPU platform did not start.</summary>
/// <param name="Reason">For the meter's health: what failed and the remedy.</param>
/// <param name="Brief">For the environment record: the library's own words (for example <c>nvmlInit failed: ...</c>).</param>
public sealed record GpuPlatformFailure(string Reason, string Brief);
