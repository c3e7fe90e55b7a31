namespace Lem.Engine.Config;

/// <summary>The <c>parallel.*</c> section. <see cref="Devices"/> is empty when <c>parallel.devices</c> is unset.</summary>
public sealed record ParallelConfig(ParallelMode Mode, IReadOnlyList<DeviceSpec> Devices);
