namespace Lem.Engine.Measurement;

/// <summary>Where <see cref="EnvironmentInfo.Collect"/> reads the system from; tests pass a fake root.</summary>
public sealed record EnvironmentPaths(string Root = "/")
{
    public string P(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));
}
