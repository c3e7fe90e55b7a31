namespace Lem.Engine.Config;

/// <summary>The <c>warmup.*</c> section. <see cref="Count"/> is the number of batches (fixed) or the most batches (until_stable).</summary>
public sealed record WarmupConfig(WarmupMode Mode, int Count, int Window, double CvThreshold);
