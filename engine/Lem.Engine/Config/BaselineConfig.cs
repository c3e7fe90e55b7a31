namespace Lem.Engine.Config;

/// <summary>The <c>baseline.*</c> section: idle measurement length and how long a cached baseline stays valid.</summary>
public sealed record BaselineConfig(TimeSpan Duration, TimeSpan Ttl)
{
    public bool Enabled => Duration > TimeSpan.Zero;
}
