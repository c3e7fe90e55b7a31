using Lem.Engine.Config;

namespace Lem.Engine.Preflight;

/// <summary>How a <see cref="PreflightChecker"/> judges what it cannot change: this machine's GPUs.</summary>
public sealed record PreflightOptions
{
    /// <summary>
    /// Whether a GPU that is not present here is an error (<c>lem run</c>: the run would fail) or a warning (<c>lem check</c>,
    /// <c>lem run --dry-run</c>: a script is often checked on a laptop and run on a GPU host).
    /// </summary>
    public bool AbsentDeviceIsError { get; init; }

    /// <summary>Why some of these CUDA devices are not present here, or null when all are. Default: the installed GPU platforms are asked (<see cref="DevicePresence"/>).</summary>
    public Func<IReadOnlyList<DeviceSpec>, string?> MissingDevices { get; init; } = DevicePresence.Missing;
}
