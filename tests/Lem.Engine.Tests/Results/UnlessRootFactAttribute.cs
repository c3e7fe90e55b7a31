namespace Lem.Engine.Tests.Results;

/// <summary>A fact skipped (visibly, with the reason) when the tests run as root, where file permissions do not stop writes.</summary>
public sealed class UnlessRootFactAttribute : FactAttribute
{
    public UnlessRootFactAttribute()
    {
        if (Environment.IsPrivilegedProcess)
            Skip = "running as root: permissions do not stop root from writing; the unwritable-folder error is covered by the folder-under-a-file test";
        else if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            Skip = "Unix file modes are needed to make a read-only folder";
    }
}
