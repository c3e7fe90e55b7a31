namespace Lem.Engine.Inference;

/// <summary>A steady load a backend can put on a device, for <c>lem env --self-check</c> and the sampler-overhead comparison.</summary>
public interface IDeviceLoad
{
    /// <summary>What the load does, in words (for the report).</summary>
    string Describe(string device);

    /// <summary>The unit of the work <see cref="Run"/> returns (GiB copied, say).</summary>
    string Unit { get; }

    /// <summary>Runs the load on <paramref name="device"/> for <paramref name="duration"/> and returns the work done.</summary>
    double Run(string device, TimeSpan duration);

    /// <summary>Waits for all work queued on the device.</summary>
    void Synchronize(string device);
}
