using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Preflight;

/// <summary>
/// Pre-flight: everything about an experiment that can be known before anything runs, from the files it names and
/// this machine: the prompt file exists, parses in its format and holds enough prompts; the GPUs it names are here;
/// results.dir can be written; and what its backend module finds (<see cref="IBackendModule.Preflight"/>: the model
/// exists and is one the backend runs, the server command or native library it needs is present). Nothing is written,
/// loaded or started. Each distinct input is examined once per checker, so a sweep of many members sharing one model
/// and one prompt file costs one look at each. Findings name their parameter and carry its provenance, as the
/// validator's do.
/// </summary>
public sealed class PreflightChecker(ParameterRegistry registry, PreflightOptions options)
{
    private readonly Dictionary<string, IReadOnlyList<Diagnostic>> _seen = new(StringComparer.Ordinal);

    /// <param name="values">The values the experiment sets, with provenance (as for <see cref="ExperimentConfig.From"/>).</param>
    /// <param name="baseFolder">What relative paths in the values are relative to: the script's folder.</param>
    /// <returns>Nothing for values the validator refuses: those are its findings.</returns>
    public IReadOnlyList<Diagnostic> Check(IReadOnlyDictionary<string, ResolvedValue> values, string baseFolder)
    {
        ExperimentConfig config;
        try
        {
            config = ExperimentConfig.From(values, registry);
        }
        catch (ConfigException)
        {
            return [];
        }
        if (registry.Module(config.Backend) is not { } module) return [];
        var found = new List<Diagnostic>();
        found.AddRange(Once($"prompts|{baseFolder}|{config.Prompts}|{DataWorkers(config)}", () => Prompts(config, baseFolder)));
        found.AddRange(Once($"devices|{config.Backend}|{string.Join(",", module.DevicesUsed(config))}|{config.Parallel.Mode}|{string.Join(",", config.Measurement.Gpus ?? [])}",
            () => Devices(module, config)));
        found.AddRange(Once($"results|{Path.GetFullPath(config.ResultsDir)}", () => ResultsFolder(config)));
        found.AddRange(Once("module|" + ModuleKey(config, baseFolder), () =>
        {
            var findings = new Findings();
            module.Preflight(config, baseFolder, findings);
            return findings.All;
        }));
        // a finding kept from an earlier experiment points at this one's value
        return found.Select(d => d.Parameter is { } p && config.Resolved.TryGetValue(p, out var v) ? d with { Location = v.From } : d).ToList();
    }

    private IReadOnlyList<Diagnostic> Once(string key, Func<IReadOnlyList<Diagnostic>> check)
    {
        if (!_seen.TryGetValue(key, out var findings)) _seen[key] = findings = check();
        return findings;
    }

    /// <summary>What a module's pre-flight reads (see <see cref="IBackendModule.Preflight"/>).</summary>
    private static string ModuleKey(ExperimentConfig config, string baseFolder) => string.Join("|",
        config.Backend, config.Model, baseFolder, config.Device, config.PrecisionText, config.Quantization, config.Parallel.Mode,
        string.Join(",", config.Parallel.Devices),
        string.Join(";", config.BackendOptions.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => o.Key + "=" + (o.Value is string[] list ? string.Join(",", list) : o.Value))));

    private static int DataWorkers(ExperimentConfig config) => config.Parallel.Mode == ParallelMode.Data ? config.Parallel.Devices.Count : 1;

    private static IReadOnlyList<Diagnostic> Prompts(ExperimentConfig config, string baseFolder)
    {
        var findings = new Findings();
        var site = findings.At("prompts", null);
        int count;
        try
        {
            switch (PromptSources.OptionsFrom(config.Prompts, baseFolder))
            {
                case SyntheticPromptOptions synthetic:
                    count = synthetic.Count;
                    break;
                case FilePromptOptions file when !File.Exists(file.Path):
                    site.Error(DiagnosticCodes.InputMissing,
                        $"prompts: the file {file.Path} does not exist (a relative path is relative to the script's folder). Remedy: correct the path, or create the file.");
                    return findings.All;
                case FilePromptOptions file:
                    // every prompt the file holds: sample is compared below, and the shuffle does not change the count
                    count = new FilePromptSource(file with { Sample = null, Shuffle = false }).ReadEntries().Entries.Count;
                    if (file.Sample is { } sample && sample > count)
                    {
                        site.Error(DiagnosticCodes.NotEnoughPrompts,
                            $"prompts: sample = {sample} but {file.Path} holds {count} prompts. Remedy: lower sample to at most {count}, or leave it out to take them all.");
                        return findings.All;
                    }
                    count = file.Sample ?? count;
                    break;
                default:
                    return findings.All;
            }
        }
        catch (WorkloadException e)
        {
            site.Error(DiagnosticCodes.InputInvalid, e.Message);
            return findings.All;
        }
        var workers = DataWorkers(config);
        if (count < workers)
            site.Error(DiagnosticCodes.NotEnoughPrompts,
                $"prompts: {count} prompts for {workers} data-parallel workers (one per device of parallel.devices), and every worker needs one. Remedy: use at least {workers} prompts, or fewer devices.");
        return findings.All;
    }

    private IReadOnlyList<Diagnostic> Devices(IBackendModule module, ExperimentConfig config)
    {
        var findings = new Findings();
        Absent(findings, config.Parallel.Mode == ParallelMode.None ? "device" : "parallel.devices", module.DevicesUsed(config));
        if (config.Measurement.Gpus is { } metered) Absent(findings, "measurement.gpus", metered);
        return findings.All;
    }

    private void Absent(Findings findings, string parameter, IReadOnlyList<DeviceSpec> devices)
    {
        var gpus = devices.Where(d => d.IsCuda).Distinct().ToArray();
        if (gpus.Length == 0 || options.MissingDevices(gpus) is not { } why) return;
        var named = string.Join(", ", gpus.Select(g => $"\"{g}\""));
        var site = findings.At(parameter, null);
        if (options.AbsentDeviceIsError)
            site.Error(DiagnosticCodes.DeviceAbsent,
                $"{parameter} names {named}, which is not on this machine: {why}. Remedy: run on a machine with that GPU, or set {parameter} to one this machine has (\"cpu\" runs anywhere).");
        else
            site.Warning(DiagnosticCodes.DeviceAbsent,
                $"{parameter} names {named}, which is not on this machine: {why}. lem run fails here; it runs where that GPU is.");
    }

    private static IReadOnlyList<Diagnostic> ResultsFolder(ExperimentConfig config)
    {
        var findings = new Findings();
        if (WritableFolder.Problem(config.ResultsDir) is { } why)
            findings.At("results.dir", null).Error(DiagnosticCodes.OutputNotWritable,
                $"results.dir = \"{config.ResultsDir}\" cannot hold results: {why}. Remedy: set results.dir (or lem run --results) to a writable folder.");
        return findings.All;
    }
}
