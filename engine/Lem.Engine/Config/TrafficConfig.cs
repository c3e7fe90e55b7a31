namespace Lem.Engine.Config;

/// <summary>The <c>traffic.*</c> section. <see cref="Burstiness"/> is the gamma shape of poisson gaps (1 = Poisson).</summary>
public sealed record TrafficConfig(TrafficMode Mode, double Qps, double Burstiness, TimeSpan MaxWait, long Seed);
