using System.Text.Json.Nodes;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;

namespace Lem.Engine.Running;

/// <summary>The validity metadata stored with every record: environment, meter health and update periods, warm-up used.</summary>
internal static class EnvironmentJson
{
    /// <param name="warmup">The warm-up used; null where there is none (a measured command): its keys are left out.</param>
    /// <param name="modelLoadS">The model's load time; null where lem loaded no model (a measured command): left out.</param>
    public static JsonObject From(EnvironmentInfo environment, IReadOnlyList<MeterHealth> meters, WarmupTracker? warmup, double? modelLoadS,
        IReadOnlyDictionary<string, object> backendFacts)
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
        if (warmup is not null)
        {
            json["warmup_steps"] = warmup.StepsUsed;
            json["warmup_stop_reason"] = warmup.StopReason;
            json["warmup_converged"] = warmup.Converged;
            json["warmup_final_cv"] = warmup.FinalCv;
        }
        if (modelLoadS is { } loadS) json["model_load_s"] = loadS;
        var gpus = new JsonArray();
        foreach (var gpu in environment.Gpus)
            gpus.Add(new JsonObject
            {
                ["name"] = gpu.Name, ["uuid"] = gpu.Uuid, ["pci_bus_id"] = gpu.PciBusId, ["power_limit_w"] = gpu.PowerLimitW,
                ["persistence_mode"] = gpu.PersistenceMode, ["mig_enabled"] = gpu.MigEnabled,
            });
        json["gpus"] = gpus;
        var meterArray = new JsonArray();
        foreach (var meter in meters)
            meterArray.Add(new JsonObject
            {
                ["meter"] = meter.MeterName, ["available"] = meter.Available, ["measures"] = meter.Measures,
                ["unavailable_reason"] = meter.UnavailableReason, ["update_period_ms"] = meter.UpdatePeriodMs,
            });
        json["meters"] = meterArray;
        var facts = new JsonObject();
        foreach (var (name, value) in backendFacts)
            facts[name] = JsonValue.Create(value);
        json["backend"] = facts;
        return json;
    }
}
