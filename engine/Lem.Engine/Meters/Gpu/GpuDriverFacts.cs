namespace Lem.Engine.Meters.Gpu;

/// <summary>The installed GPU driver and the compute runtime it supports (CUDA for NVIDIA, ROCm for AMD); null when unknown.</summary>
public sealed record GpuDriverFacts(string? DriverVersion, string? RuntimeVersion);
