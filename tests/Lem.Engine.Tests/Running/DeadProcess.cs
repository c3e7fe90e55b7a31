using System.Diagnostics;

namespace Lem.Engine.Tests.Running;

/// <summary>The id of a process that has ended (started and waited for), as a killed lem leaves in lock holders and temporary names.</summary>
internal static class DeadProcess
{
    public static int Id()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
