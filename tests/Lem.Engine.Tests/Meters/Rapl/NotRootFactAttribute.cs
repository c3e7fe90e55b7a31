namespace Lem.Engine.Tests.Meters.Rapl;

/// <summary>A fact that is skipped, visibly, when the tests run as root (root reads files of mode 000).</summary>
public sealed class NotRootFactAttribute : FactAttribute
{
    public NotRootFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs Unix file modes";
        else if (Environment.UserName == "root" || File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal))
            Skip = "runs as root, which can read a mode-000 file; the denial is covered by DenyingPowercapFiles";
    }
}
