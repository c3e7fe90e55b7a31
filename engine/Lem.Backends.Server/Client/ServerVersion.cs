using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lem.Backends.Server.Engines;

namespace Lem.Backends.Server.Client;

/// <summary>The version a server reports (its version endpoint), else what <c>COMMAND --version</c> prints, with where it came from.</summary>
public static class ServerVersion
{
    public static (string Version, string Source) Ask(ServerEngine engine, ServerConnection connection, IReadOnlyList<string>? command)
    {
        foreach (var probe in engine.VersionProbes)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var answer = connection.GetJsonAsync(probe.Path, timeout.Token).GetAwaiter().GetResult();
                if (answer?[probe.Property] is JsonValue value)
                    return (value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(), $"GET {probe.Path} ({probe.Property})");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // the next probe, or --version
            }
        }
        if (engine.VersionFlag && command is { Count: > 0 } && FromCommand(command) is { } printed)
            return (printed, string.Join(" ", command.Select(Launching.LaunchPlan.Quote)) + " --version");
        return ("unknown", "the server reports no version");
    }

    /// <summary>The first line of <c>COMMAND --version</c> (stdout or stderr) that names a version.</summary>
    private static string? FromCommand(IReadOnlyList<string> command)
    {
        try
        {
            var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
            info.ArgumentList.Add("--version");
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            var lines = (stdout.Result + "\n" + stderr.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.FirstOrDefault(l => l.Contains("version", StringComparison.OrdinalIgnoreCase)) ?? lines.FirstOrDefault();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
