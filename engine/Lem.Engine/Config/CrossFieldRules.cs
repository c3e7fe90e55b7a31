using Lem.Engine.Meters.Carbon;

namespace Lem.Engine.Config;

/// <summary>Rules between parameters (LEM1006): contradictions are errors; parameters without effect are warnings or notes.</summary>
internal static class CrossFieldRules
{
    /// <summary>A parameter that only matters when <paramref name="Control"/> has one of <paramref name="EffectiveWhen"/>.</summary>
    private sealed record Dependency(string Parameter, string Control, IReadOnlyList<string> EffectiveWhen, string Why);

    private static readonly Dependency[] Dependencies =
    [
        new("traffic.qps", "traffic.mode", ["constant", "poisson"], "every request arrives at t = 0"),
        new("traffic.max_wait", "traffic.mode", ["constant", "poisson"], "every request arrives at t = 0"),
        new("traffic.burstiness", "traffic.mode", ["poisson"], "only poisson arrivals have random gaps"),
        new("traffic.seed", "traffic.mode", ["poisson"], "only poisson arrivals are random"),
        new("batching.max_tokens_per_batch", "batching.strategy", ["dynamic", "sorted_dynamic"], "static batches hold batch_size prompts whatever their length"),
        new("warmup.window", "warmup.mode", ["until_stable"], "a fixed warm-up does not test stability"),
        new("warmup.cv_threshold", "warmup.mode", ["until_stable"], "a fixed warm-up does not test stability"),
        new("parallel.devices", "parallel.mode", ["data", "pipeline", "tensor"], "the experiment runs on `device` alone"),
        new("traffic.concurrency", "traffic.mode", ["concurrent"], "only the closed loop keeps a fixed number of requests in flight"),
    ];

    private static readonly string[] SamplingOnly = ["decoder.top_p", "decoder.top_k", "decoder.min_p"];

    public static void Check(EffectiveValues values, Findings findings)
    {
        OutputLength(values, findings);
        LongestPromptFitsBatch(values, findings);
        foreach (var dependency in Dependencies) WithoutEffect(values, findings, dependency);
        WarmupWindow(values, findings);
        ParallelDevices(values, findings);
        GreedyDecoding(values, findings);
        CarbonSource(values, findings);
    }

    private static void OutputLength(EffectiveValues values, Findings findings)
    {
        if (values.Integer("min_new_tokens") is not { } min || values.Integer("max_new_tokens") is not { } max || min <= max) return;
        var subject = values.IsSet("min_new_tokens") || !values.IsSet("max_new_tokens") ? "min_new_tokens" : "max_new_tokens";
        findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.CrossField,
            $"min_new_tokens ({min}) is greater than max_new_tokens ({max}): lower min_new_tokens or raise max_new_tokens (set them equal to pin the output length).");
    }

    private static void LongestPromptFitsBatch(EffectiveValues values, Findings findings)
    {
        if (values.Word("batching.strategy") is not ("dynamic" or "sorted_dynamic")) return;
        if (values.Integer("batching.max_tokens_per_batch") is not { } limit || LongestPromptTokens(values.Value("prompts")) is not { } longest || longest <= limit) return;
        var subject = values.IsSet("batching.max_tokens_per_batch") || !values.IsSet("prompts") ? "batching.max_tokens_per_batch" : "prompts";
        findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.CrossField,
            $"batching.max_tokens_per_batch ({limit}) cannot hold the longest prompt ({longest} tokens): raise it to at least {longest}, or shorten the prompts.");
    }

    /// <summary>The longest prompt in tokens where the prompt source says it before anything is tokenised (synthetic prompts).</summary>
    private static long? LongestPromptTokens(ConfigValue? prompts)
    {
        if (prompts is not ConfigValue.Call { Name: "synthetic" } call) return null;
        return CallCatalogue.SyntheticPrompts.Bind(call).GetValueOrDefault("input_tokens") is ConfigValue.Integer n ? n.Value : null;
    }

    private static void WithoutEffect(EffectiveValues values, Findings findings, Dependency dependency)
    {
        if (!values.IsSet(dependency.Parameter) || values.Word(dependency.Control) is not { } control || dependency.EffectiveWhen.Contains(control)) return;
        var needed = string.Join(" or ", dependency.EffectiveWhen);
        findings.At(dependency.Parameter, values.Where(dependency.Parameter)).Warning(DiagnosticCodes.CrossField,
            $"{dependency.Parameter} has no effect while {dependency.Control} = {control} ({dependency.Why}): set {dependency.Control} = {needed}, or remove {dependency.Parameter}.");
    }

    private static void WarmupWindow(EffectiveValues values, Findings findings)
    {
        if (values.Word("warmup.mode") != "until_stable" || values.Integer("warmup.count") is not { } count || values.Integer("warmup.window") is not { } window || count >= window) return;
        var subject = values.IsSet("warmup.count") ? "warmup.count" : "warmup.mode";
        findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.CrossField,
            $"warmup.mode = until_stable needs at least warmup.window ({window}) warm-up batches to judge stability, but warmup.count is {count}: set warmup.count to the most warm-up batches you allow (for example 30).");
    }

    private static void ParallelDevices(EffectiveValues values, Findings findings)
    {
        if (values.Word("parallel.mode") is not { } mode || mode == "none") return;
        if (values.Get("parallel.devices") is null && values.IsSet("parallel.devices")) return; // invalid list, already reported
        var devices = values.TextList("parallel.devices");
        if (devices is null || devices.Count < 2)
        {
            var subject = devices is null ? "parallel.mode" : "parallel.devices";
            findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.CrossField,
                $"parallel.mode = {mode} needs parallel.devices with at least two devices, for example [\"cuda:0\", \"cuda:1\"].");
            return;
        }
        // a pipeline or a tensor split may list "cpu" more than once: its parts then share the host (a split checked without GPUs)
        foreach (var repeated in devices.GroupBy(d => d).Where(g => g.Count() > 1 && !(mode is "pipeline" or "tensor" && g.Key == "cpu")))
            findings.At("parallel.devices", values.Where("parallel.devices")).Error(DiagnosticCodes.CrossField,
                $"parallel.devices lists \"{repeated.Key}\" {repeated.Count()} times: each device may appear once.");
    }

    private static void GreedyDecoding(EffectiveValues values, Findings findings)
    {
        if (values.Number("decoder.temperature") is not { } temperature) return;
        var preset = values.Word("decoder.preset");
        if (temperature == 0)
        {
            var why = values.IsSet("decoder.temperature") ? "decoder.temperature = 0" : $"decoder.preset = {preset}";
            foreach (var name in SamplingOnly.Where(values.IsSet))
                findings.At(name, values.Where(name)).Info(DiagnosticCodes.CrossField,
                    $"{name} has no effect: decoding is greedy ({why}); set decoder.temperature above 0, or choose a sampling preset, to sample.");
        }
        else if (preset == DecoderPresets.Deterministic.Name && values.IsSet("decoder.temperature"))
        {
            var rest = string.Join(", ", SamplingOnly.Select(n => $"{n} = {values.Value(n)}{(values.IsSet(n) ? "" : " (preset)")}"));
            findings.At("decoder.temperature", values.Where("decoder.temperature")).Info(DiagnosticCodes.CrossField,
                $"decoder.temperature = {values.Value("decoder.temperature")} overrides the deterministic preset: decoding samples, with {rest}.");
        }
    }

    private static void CarbonSource(EffectiveValues values, Findings findings)
    {
        if (!values.IsSet("carbon.region")) return;
        if (values.Get("carbon.intensity_g_per_kwh") is not null)
        {
            findings.At("carbon.region", values.Where("carbon.region")).Info(DiagnosticCodes.CrossField,
                "carbon.region has no effect: carbon.intensity_g_per_kwh is set and used as is.");
            return;
        }
        // a region outside the table is still a valid zone for the live API, which only the run's environment can enable:
        // a warning, not an error (CarbonIntensityResolver: configured value, live API when its token is set, then the table)
        if (values.Text("carbon.region") is not { } region || CarbonIntensityTable.Find(region) is not null) return;
        var close = CarbonIntensityTable.Close(region);
        var closeText = close.Count == 0 ? "" : "; close known regions: " + string.Join(", ", close.Select(r => $"{r.Code} ({r.Name})"));
        var country = CarbonIntensityTable.IsSubdivision(region) ? ", and a subdivision is not given its country's average, which is another grid" : "";
        findings.At("carbon.region", values.Where("carbon.region")).Warning(DiagnosticCodes.CrossField,
            $"carbon.region = \"{region}\" is not in the built-in carbon intensity table, which holds countries only{country}: the run's CO2 figure "
            + $"will be unavailable unless {CarbonSettings.DefaultTokenVariable} is set when it runs (the live API then looks the zone up){closeText}. "
            + "Set carbon.intensity_g_per_kwh for your grid, or carbon.region to a country of the table (docs/methodology.md, \"Carbon\").");
    }
}
