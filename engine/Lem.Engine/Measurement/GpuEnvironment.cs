namespace Lem.Engine.Measurement;

/// <summary>One GPU as recorded with a result.</summary>
public sealed record GpuEnvironment(string Name, string Uuid, string PciBusId, double? PowerLimitW, bool? PersistenceMode, bool? MigEnabled);
