using System.Globalization;
using System.Text.Json.Nodes;
using Lem.Engine.Results.Aggregation;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// The result schema's versions and the upgrades between them. A record keeps the <c>schema_version</c> it was written
/// with; the reader upgrades an older record's JSON step by step to the current shape before it is read (and says so
/// in a <c>schema-upgraded</c> warning), and refuses a newer one, naming the lem that wrote it.
/// <list type="bullet">
/// <item>1 — the first format (lem 0.1.0, until the round of host energy and servers).</item>
/// <item>2 — host energy attributed to processes (<c>host</c>), the validity verdict, the workload fingerprint, the
/// window's execution shape and edges, per-request start, queue time, error and backend facts, the window's peak RSS
/// method; token counts may be null (not reported, as for <c>lem measure</c> without the token protocol); the
/// <c>command</c> section of a measured command.</item>
/// <item>3 — an energy entry that is the measured processes' share of a machine-wide figure says so (<c>attributed</c>),
/// and a warning says whether it is a note on how a figure was obtained (<c>kind</c>).</item>
/// <item>4 — the model load's energy beside its time (<c>model.load_energy</c> per component, <c>model.load_energy_j</c>);
/// the environment names the lem process (<c>lem_pid</c>) and whether the run was a cold start (<c>cold_start</c>).</item>
/// </list>
/// </summary>
public static class SchemaVersions
{
    /// <summary>The version this lem writes.</summary>
    public const int Current = 4;

    /// <summary>The oldest version this lem reads (by upgrading it).</summary>
    public const int Oldest = 1;

    public const string UpgradedWarningCode = "schema-upgraded";

    private static readonly Dictionary<int, Action<JsonObject>> UpgradeFrom = new()
    {
        [1] = UpgradeFrom1,
        [2] = UpgradeFrom2,
        [3] = UpgradeFrom3,
    };

    /// <summary>The warnings that are notes on how a figure was obtained (typed <c>note</c> since version 3).</summary>
    private static readonly HashSet<string> MethodNoteCodes = ["phase-energy-method", "host-phase-energy-method"];

    /// <summary>
    /// Checks the <c>schema_version</c> of a record's JSON object (one without it is taken as current) and upgrades
    /// an older one in place to <see cref="Current"/>'s shape; its <c>schema_version</c> stays the one it was written with.
    /// </summary>
    /// <exception cref="ResultsException">The version is newer than <see cref="Current"/> or older than <see cref="Oldest"/>.</exception>
    public static void CheckAndUpgrade(JsonObject record, string file)
    {
        if (record["schema_version"] is not JsonValue value || !value.TryGetValue(out int version)) return;
        if (version > Current)
        {
            var writer = record["tool_version"] is JsonValue t && t.TryGetValue(out string? tool) ? tool : null;
            throw new ResultsException(
                $"{file}: written {(writer is null ? "" : $"by lem {writer} ")}with result schema version {version}; this lem ({ToolVersion.Current}) reads schema versions {Oldest} to {Current}. "
                + $"Remedy: read it with {(writer is null ? $"a lem that writes schema version {version}" : $"lem {writer}")} or newer.");
        }
        if (version < Oldest)
            throw new ResultsException($"{file}: schema_version {version} is not a version lem ever wrote (they start at {Oldest}). Remedy: restore the file from a backup, or remove its run folder.");
        for (var v = version; v < Current; v++) UpgradeFrom[v](record);
        if (version < Current)
        {
            var warnings = record["warnings"] as JsonArray ?? [];
            record["warnings"] = warnings;
            warnings.Add(new JsonObject
            {
                ["code"] = UpgradedWarningCode,
                ["message"] = string.Create(CultureInfo.InvariantCulture,
                    $"written with result schema version {version} and read as version {Current}: {Changes(version)}"),
                ["remedy"] = null,
            });
        }
    }

    /// <summary>What a record of <paramref name="version"/> lacks against the current shape, in words.</summary>
    private static string Changes(int version) => version switch
    {
        1 => "host energy (CPU, RAM) is the whole machine's (version 1 did not attribute it to processes: host.attribution = system); "
            + "it has no validity verdict, workload fingerprint, per-request start times or model load energy, and its peak RSS is the lem process's lifetime peak",
        2 => "its host energy entries attributed to processes were not marked as process shares, nor its method notes as notes (the upgrade marks both); "
            + "it has no model load energy",
        3 => "it has no model load energy (model.load_energy_j) and does not say which lem process measured it or whether it was a cold start",
        _ => "",
    };

    /// <summary>
    /// 3 → 4: nothing to rewrite. The load energy was not measured (<c>model.load_energy</c> and <c>load_energy_j</c>
    /// stay absent, read as null), and the environment's <c>lem_pid</c> and <c>cold_start</c> were not written (not
    /// invented now: a record of version 3 may have been a cold start of the original tool's kind, or not).
    /// </summary>
    private static void UpgradeFrom3(JsonObject record)
    {
    }

    /// <summary>
    /// 2 → 3: with <c>host.attribution</c> = <c>process</c>, every CPU and RAM entry of the energy list that has a figure
    /// was the processes' share (version 2 wrote no mark), and so was each host component's <c>process</c> entry: they
    /// get <c>attributed</c> = true. The method notes (<c>phase-energy-method</c>, <c>host-phase-energy-method</c>) get
    /// <c>kind</c> = <c>note</c>.
    /// </summary>
    private static void UpgradeFrom2(JsonObject record)
    {
        static void MarkShare(JsonNode? entry)
        {
            if (entry is JsonObject e && e["source"] is JsonValue s && s.TryGetValue(out string? source) && source != "unavailable")
                e["attributed"] = true;
        }
        if (record["host"] is JsonObject host && host["attribution"] is JsonValue a && a.TryGetValue(out string? attribution) && attribution == "process")
        {
            foreach (var entry in (record["energy"] as JsonArray ?? []).OfType<JsonObject>())
                if (entry["component"] is JsonValue c && c.TryGetValue(out string? component)
                    && EnergyComponents.Category(component) is EnergyComponents.Cpu or EnergyComponents.Ram)
                    MarkShare(entry);
            foreach (var component in (host["components"] as JsonArray ?? []).OfType<JsonObject>())
                MarkShare(component["process"]);
        }
        foreach (var warning in (record["warnings"] as JsonArray ?? []).OfType<JsonObject>())
            if (warning["code"] is JsonValue code && code.TryGetValue(out string? text) && MethodNoteCodes.Contains(text))
                warning["kind"] = "note";
    }

    /// <summary>
    /// 1 → 2: the window was always device-synchronised batches; host energy in the energy list was the whole
    /// machine's, which version 2 says with a <c>host</c> section whose attribution is <c>system</c> (process figures
    /// unavailable), so the system metrics (<c>energy_cpu_system_j</c>...) exist for old records too.
    /// </summary>
    private static void UpgradeFrom1(JsonObject record)
    {
        if (record["window"] is JsonObject window)
        {
            window["execution_shape"] ??= "batch";
            window["edges"] ??= "device-synchronised";
        }
        if (record["host"] is null && record["energy"] is JsonArray energy)
        {
            var components = new JsonArray();
            foreach (var entry in energy.OfType<JsonObject>())
            {
                var component = entry["component"]?.GetValue<string>();
                if (component is null || EnergyComponents.Category(component) is not (EnergyComponents.Cpu or EnergyComponents.Ram)) continue;
                components.Add(new JsonObject
                {
                    ["component"] = component,
                    ["system"] = entry.DeepClone(),
                    ["process"] = new JsonObject
                    {
                        ["component"] = component,
                        ["energy_j"] = null,
                        ["source"] = "unavailable",
                        ["method"] = "none",
                        ["note"] = "schema version 1 did not attribute host energy to processes",
                        ["low_confidence"] = false,
                    },
                    ["ratio"] = null,
                });
            }
            if (components.Count > 0)
                record["host"] = new JsonObject
                {
                    ["attribution"] = "system",
                    ["process_set"] = "none (schema version 1: the whole machine)",
                    ["process_cpu_share"] = null,
                    ["other_cpu_share"] = null,
                    ["process_rss_mean_bytes"] = null,
                    ["components"] = components,
                };
        }
    }
}
