using System.Text.Json.Nodes;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Results.Views;

namespace Lem.Engine.Tests.Results;

/// <summary>
/// Records of every schema version lem ever wrote (Results/Fixtures, real run folders) are read through the result
/// store: older ones upgraded to the current shape, newer ones refused naming the lem that wrote them.
/// </summary>
public sealed class SchemaVersionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string FixtureRun(int version) =>
        Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Results", "Fixtures", $"schema-{version}")).Order(StringComparer.Ordinal).First();

    /// <summary>Copies fixture run folders into a fresh results folder.</summary>
    private ResultStore StoreWith(params string[] runFolders)
    {
        foreach (var folder in runFolders)
        {
            var target = Directory.CreateDirectory(Path.Combine(_temp.Path, Path.GetFileName(folder))).FullName;
            foreach (var file in Directory.GetFiles(folder)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return new ResultStore(_temp.Path);
    }

    [Fact]
    public void Every_schema_version_has_a_fixture()
    {
        for (var v = SchemaVersions.Oldest; v <= SchemaVersions.Current; v++)
            Assert.True(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "Results", "Fixtures", $"schema-{v}")), $"no fixture of schema version {v}");
    }

    [Fact]
    public void A_version_1_record_is_upgraded_its_host_energy_the_whole_machines()
    {
        var folder = FixtureRun(1);
        var store = StoreWith(folder);
        var id = Path.GetFileName(folder);

        var raw = Assert.Single(store.LoadRun(id).Records);
        Assert.Equal(1, raw.SchemaVersion); // the version it was written with
        Assert.Equal(("batch", "device-synchronised"), (raw.Window.ExecutionShape, raw.Window.Edges));
        // version 1's CPU and RAM figures were the whole machine's: the host section says so, process figures unavailable
        var host = Assert.IsType<HostEnergyRecord>(raw.Host);
        Assert.Equal(HostAttributionKind.System, host.Attribution);
        Assert.Equal(["cpu", "ram"], host.Components.Select(c => c.Component));
        foreach (var c in host.Components)
        {
            Assert.Equal(raw.Energy.Single(e => e.Component == c.Component), c.System);
            Assert.Null(c.Process.EnergyJ);
        }
        var warning = Assert.Single(raw.Warnings, w => w.Code == SchemaVersions.UpgradedWarningCode);
        Assert.Contains($"schema version 1 and read as version {SchemaVersions.Current}", warning.Message);
        Assert.Null(raw.Validity);

        var run = store.Aggregate(id);
        Assert.Equal(run.Metrics["energy_cpu_j"], run.Metrics["energy_cpu_system_j"]);
        Assert.Equal(run.Metrics["energy_total_j"], run.Metrics["energy_total_system_j"]);
        Assert.Equal(512, run.Tokens.OutputTokens);
        Assert.Contains("schema version 1", ResultsView.Show(store, id));
    }

    [Fact]
    public void A_version_2_record_is_upgraded_its_process_shares_marked_and_its_method_notes_typed()
    {
        var folders = Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Results", "Fixtures", "schema-2"));
        var store = StoreWith(folders);
        foreach (var folder in folders)
        {
            var raw = Assert.Single(store.LoadRun(Path.GetFileName(folder)).Records);
            Assert.Equal(2, raw.SchemaVersion);
            Assert.Equal(HostAttributionKind.Process, raw.Host!.Attribution);
            // the host entries were the processes' shares: now marked, shown as such; the machine's figures are not
            Assert.All(raw.Energy.Where(e => e.Component is "cpu" or "ram"), e => Assert.Equal("estimated (process share)", EnergySourceText.Of(e)));
            Assert.All(raw.Host.Components, c => Assert.True(c.Process.Attributed && !c.System.Attributed));
            Assert.All(raw.Warnings.Where(w => w.Code.EndsWith("phase-energy-method", StringComparison.Ordinal)), w => Assert.Equal(WarningKind.Note, w.Kind));
            Assert.Contains($"schema version 2 and read as version {SchemaVersions.Current}", Assert.Single(raw.Warnings, w => w.Code == SchemaVersions.UpgradedWarningCode).Message);
        }
    }

    [Fact]
    public void A_version_3_record_is_read_without_load_energy_and_says_so()
    {
        var folders = Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Results", "Fixtures", "schema-3"));
        var store = StoreWith(folders);
        foreach (var folder in folders)
        {
            var raw = Assert.Single(store.LoadRun(Path.GetFileName(folder)).Records);
            Assert.Equal(3, raw.SchemaVersion);
            Assert.Null(raw.Model?.LoadEnergyJ);
            Assert.Null(raw.Model?.LoadEnergy);
            Assert.Contains("no model load energy", Assert.Single(raw.Warnings, w => w.Code == SchemaVersions.UpgradedWarningCode).Message);
            Assert.False(store.Aggregate(Path.GetFileName(folder)).Metrics.ContainsKey(MetricNames.ModelLoadEnergyJ));
        }
    }

    [Fact]
    public void Current_records_read_as_they_were_written()
    {
        var folders = Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Results", "Fixtures", $"schema-{SchemaVersions.Current}"));
        var store = StoreWith(folders);
        var shapes = new List<string>();
        foreach (var folder in folders)
        {
            var raw = Assert.Single(store.LoadRun(Path.GetFileName(folder)).Records);
            Assert.Equal(SchemaVersions.Current, raw.SchemaVersion);
            Assert.DoesNotContain(raw.Warnings, w => w.Code == SchemaVersions.UpgradedWarningCode);
            Assert.Equal(File.ReadAllText(Path.Combine(folder, RunFiles.Raw(0))).Trim(), ResultJson.Serialize(raw).Trim());
            shapes.Add(raw.Window.ExecutionShape);
        }
        Assert.Equal(["batch", "command"], shapes.Order(StringComparer.Ordinal)); // an experiment's record and a measured command's
    }

    [Fact]
    public void A_newer_version_is_refused_naming_the_lem_that_wrote_it()
    {
        var folder = FixtureRun(1);
        var store = StoreWith(folder);
        var id = Path.GetFileName(folder);
        var path = Path.Combine(store.RunFolder(id), RunFiles.Raw(0));
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["schema_version"] = SchemaVersions.Current + 1;
        json["tool_version"] = "0.9.0+abc";
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<ResultsException>(() => store.LoadRun(id));
        Assert.Equal(
            $"{path}: written by lem 0.9.0+abc with result schema version {SchemaVersions.Current + 1}; this lem ({ToolVersion.Current}) reads schema versions 1 to {SchemaVersions.Current}. Remedy: read it with lem 0.9.0+abc or newer.",
            error.Message);
        // the listing shows the run as unreadable with that line, and goes on
        Assert.Contains("read it with lem 0.9.0+abc or newer", Assert.Single(store.ListRuns()).Problem);
    }

    [Fact]
    public void A_version_below_1_is_refused()
    {
        var json = ResultJson.Serialize(Samples.Raw("r")).Replace($"\"schema_version\": {SchemaVersions.Current}", "\"schema_version\": 0");
        var error = Assert.Throws<ResultsException>(() => ResultJson.Deserialize<RawRecord>(json, "raw-worker0.json"));
        Assert.Contains("schema_version 0 is not a version lem ever wrote", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
