using System.Text.Json.Nodes;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;

namespace Lem.Engine.Running;

/// <summary>
/// The validity metadata stored with every record: environment, meter health and update periods, warm-up used. The
/// environment and meter parts are the ones <c>lem env --json</c> prints, so both use the same names.
/// </summary>
public static class EnvironmentJson
{
    /// <param name="warmup">The warm-up used; null where there is none (a measured command): its keys are left out.</param>
    /// <param name="modelLoadS">The model's load time; null where lem loaded no model (a measured command): left out.</param>
    /// <param name="coldStart">Whether the run was one run of a cold-start campaign, in a fresh lem process (<c>cold_start</c>).</param>
    public static JsonObject From(EnvironmentInfo environment, IReadOnlyList<MeterHealth> meters, WarmupTracker? warmup, double? modelLoadS,
        IReadOnlyDictionary<string, object> backendFacts, bool coldStart = false)
    {
        var json = Of(environment);
        // which lem process measured it: runs of a cold-start campaign each have their own
        json["lem_pid"] = System.Environment.ProcessId;
        json["cold_start"] = coldStart;
        if (warmup is not null)
        {
            json["warmup_steps"] = warmup.StepsUsed;
            json["warmup_stop_reason"] = warmup.StopReason;
            json["warmup_converged"] = warmup.Converged;
            json["warmup_final_cv"] = warmup.FinalCv;
        }
        if (modelLoadS is { } loadS) json["model_load_s"] = loadS;
        json["meters"] = Of(meters);
        var facts = new JsonObject();
        foreach (var (name, value) in backendFacts)
            facts[name] = JsonValue.Create(value);
        json["backend"] = facts;
        return json;
    }

    /// <summary>The machine: tool, OS, kernel, .NET, CPU, container, GPU driver and GPUs.</summary>
    public static JsonObject Of(EnvironmentInfo environment)
    {
        var json = new JsonObject
        {
            ["tool_version"] = environment.ToolVersion,
            ["os"] = environment.Os,
            ["kernel"] = environment.Kernel,
            ["dotnet"] = environment.DotNet,
            ["cpu_model"] = environment.CpuModel,
            ["cpu_sockets"] = environment.CpuSockets,
            ["logical_cpus"] = environment.LogicalCpus,
            ["cpu_governor"] = environment.CpuGovernor,
            ["in_container"] = environment.InContainer,
            ["container_evidence"] = environment.ContainerEvidence,
            ["gpu_driver_version"] = environment.GpuDriverVersion,
            ["cuda_driver_version"] = environment.CudaDriverVersion,
            ["gpu_unavailable_reason"] = environment.GpuUnavailableReason,
        };
        var gpus = new JsonArray();
        foreach (var gpu in environment.Gpus)
            gpus.Add(new JsonObject
            {
                ["name"] = gpu.Name, ["uuid"] = gpu.Uuid, ["pci_bus_id"] = gpu.PciBusId, ["power_limit_w"] = gpu.PowerLimitW,
                ["persistence_mode"] = gpu.PersistenceMode, ["mig_enabled"] = gpu.MigEnabled,
            });
        json["gpus"] = gpus;
        return json;
    }

    /// <summary>Each meter's health: name, whether it is available, what it measures, why not, its update period.</summary>
    public static JsonArray Of(IReadOnlyList<MeterHealth> meters)
    {
        var meterArray = new JsonArray();
        foreach (var meter in meters)
            meterArray.Add(new JsonObject
            {
                ["meter"] = meter.MeterName, ["available"] = meter.Available, ["measures"] = meter.Measures,
                ["unavailable_reason"] = meter.UnavailableReason, ["update_period_ms"] = meter.UpdatePeriodMs,
            });
        return meterArray;
    }
}
