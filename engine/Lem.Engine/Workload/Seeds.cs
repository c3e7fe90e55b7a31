namespace Lem.Engine.Workload;

/// <summary>Seeded random sources. <see cref="Random(int)"/> with a seed gives the same sequence on every .NET version.</summary>
internal static class Seeds
{
    public static Random Random(long seed, int stream = 0) =>
        new(unchecked((int)seed ^ (int)(seed >> 32) ^ (stream * 0x5bd1e995)));
}
