namespace Lem.Engine.Config;

/// <summary>Inputs of the CPU and RAM energy estimates used where nothing is measured (<c>cpu.tdp_w</c>, <c>ram.w_per_gb</c>).</summary>
public sealed record EstimatesConfig(double? CpuTdpW, double RamWPerGb);
