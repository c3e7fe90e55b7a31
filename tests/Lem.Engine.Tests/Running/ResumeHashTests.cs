using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;
using Lem.Engine.Running;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

public class ResumeHashTests
{
    private static PlannedRun Run(string baseFolder, ConfigValue model, ConfigValue prompts) =>
        new("e", 0, ExperimentConfig.From(V.Set(("model", model), ("prompts", prompts), ("results.dir", V.Text(Path.Combine(baseFolder, "results")))), TestRegistry.Instance), baseFolder);

    private static ConfigValue FilePrompts(string path) => V.Call("file", [V.Text(path)], ("format", V.Word("text")));

    private static ConfigValue Synthetic => V.Call("synthetic", [V.Text("tiny")]); // the model preset

    private static string ModelFolder(string root)
    {
        var folder = Path.Combine(root, "model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"hidden_size": 64}""");
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), new byte[1000]);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{}");
        return folder;
    }

    [Fact]
    public void A_changed_prompt_file_changes_the_hash_and_the_same_bytes_rewritten_do_not()
    {
        using var temp = new TempFolder();
        var prompts = Path.Combine(temp.Path, "prompts.txt");
        File.WriteAllText(prompts, "one\ntwo\n");
        var run = Run(temp.Path, Synthetic, FilePrompts("prompts.txt")); // relative to the script's folder
        var first = run.ConfigHash;

        File.WriteAllText(prompts, "one\ntwo\n");
        File.SetLastWriteTimeUtc(prompts, DateTime.UtcNow.AddHours(1));
        Assert.Equal(first, run.ConfigHash);

        File.WriteAllText(prompts, "one\nthree\n");
        Assert.NotEqual(first, run.ConfigHash);
        Assert.StartsWith("input:prompts.file=sha256:", Assert.Single(RunInputFingerprint.Lines(run.Config, temp.Path)));
    }

    [Fact]
    public void A_rewritten_model_file_changes_the_hash()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "model.gguf");
        File.WriteAllBytes(file, new byte[100]);
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var run = Run(temp.Path, V.Text("model.gguf"), V.Named("synthetic", ("count", V.Int(4))));
        var first = run.ConfigHash;
        Assert.StartsWith("input:model.file=100:", Assert.Single(RunInputFingerprint.Lines(run.Config, temp.Path)));

        File.WriteAllBytes(file, new byte[100]);
        Assert.NotEqual(first, run.ConfigHash);
    }

    [Fact]
    public void A_regenerated_model_folder_changes_the_hash()
    {
        using var temp = new TempFolder();
        var folder = ModelFolder(temp.Path);
        var run = Run(temp.Path, V.Text(folder), V.Named("synthetic", ("count", V.Int(4))));
        var first = run.ConfigHash;
        Assert.Equal(first, run.ConfigHash);

        // a file the loader does not read changes nothing
        File.WriteAllText(Path.Combine(folder, "README.md"), "notes");
        Assert.Equal(first, run.ConfigHash);

        // weights rewritten with the same size: their modification time differs
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), new byte[1000]);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors"), DateTime.UtcNow.AddMinutes(5));
        var afterWeights = run.ConfigHash;
        Assert.NotEqual(first, afterWeights);

        File.WriteAllText(Path.Combine(folder, "config.json"), """{"hidden_size": 128}""");
        Assert.NotEqual(afterWeights, run.ConfigHash);

        var withShard = run.ConfigHash;
        File.WriteAllBytes(Path.Combine(folder, "model-00002-of-00002.safetensors"), new byte[10]);
        Assert.NotEqual(withShard, run.ConfigHash);
    }

    [Fact]
    public void Weights_behind_symbolic_links_are_fingerprinted_by_their_target()
    {
        using var temp = new TempFolder();
        var blobs = Directory.CreateDirectory(Path.Combine(temp.Path, "blobs")).FullName;
        var blob = Path.Combine(blobs, "abc");
        File.WriteAllBytes(blob, new byte[100]);
        var snapshot = Directory.CreateDirectory(Path.Combine(temp.Path, "snapshot")).FullName;
        File.WriteAllText(Path.Combine(snapshot, "config.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(snapshot, "model.safetensors"), blob);
        var first = RunInputFingerprint.ModelFolder(snapshot);
        Assert.Contains("model.safetensors:100:", first);

        File.WriteAllBytes(blob, new byte[200]);
        Assert.Contains("model.safetensors:200:", RunInputFingerprint.ModelFolder(snapshot));
    }

    [Fact]
    public void Synthetic_models_and_prompts_add_nothing_to_the_hash_and_a_missing_prompt_file_is_named()
    {
        using var temp = new TempFolder();
        var synthetic = Run(temp.Path, Synthetic, V.Named("synthetic", ("count", V.Int(4))));
        Assert.Empty(RunInputFingerprint.Lines(synthetic.Config, temp.Path));

        var missing = Run(temp.Path, V.Text("no-such-model"), FilePrompts("no-such-prompts.txt"));
        // a model location that is no file or folder may be a server's model id: a config value, nothing more to read
        Assert.Equal(["input:prompts.file=missing"], RunInputFingerprint.Lines(missing.Config, temp.Path));
    }

    [Fact]
    public void The_campaign_reruns_a_done_run_whose_prompt_file_changed_and_skips_it_otherwise()
    {
        using var temp = new TempFolder();
        var prompts = Path.Combine(temp.Path, "prompts.txt");
        File.WriteAllText(prompts, "one\n");
        var run = Run(temp.Path, V.Text(ModelFolder(temp.Path)), FilePrompts(prompts));
        var runs = 0;
        var campaign = new CampaignRunner((r, hash) => { runs++; return FakeRuns.Complete(r, hash); });
        var manifest = RunManifest.Open(Path.Combine(temp.Path, "manifest"));

        campaign.Run([run], CampaignOptions.Default, manifest);
        campaign.Run([run], CampaignOptions.Default, RunManifest.Open(manifest.Folder));
        Assert.Equal(1, runs);

        File.WriteAllText(prompts, "one\ntwo\n");
        campaign.Run([run], CampaignOptions.Default, RunManifest.Open(manifest.Folder));
        Assert.Equal(2, runs);
        var entry = RunManifest.Open(manifest.Folder).Find(run.Key)!;
        Assert.Equal(run.ConfigHash, entry.ConfigHash);
        Assert.Equal(2, new Lem.Engine.Results.Store.ResultStore(Path.Combine(temp.Path, "results")).FoldersOf("e", 0).Count);
        Assert.Equal(new Lem.Engine.Results.Store.ResultStore(Path.Combine(temp.Path, "results")).FoldersOf("e", 0)[^1].RunId, entry.RunId);
    }
}
