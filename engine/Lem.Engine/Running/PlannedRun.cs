using System.Security.Cryptography;
using System.Text;
using Lem.Engine.Config;

namespace Lem.Engine.Running;

/// <summary>One run of a campaign (or of a plain `run`): an experiment, its cycle index and its resolved config.</summary>
/// <param name="BaseFolder">Folder that relative paths in the config (prompt files, model folders) are relative to.</param>
public sealed record PlannedRun(string Experiment, int Cycle, ExperimentConfig Config, string BaseFolder)
{
    /// <summary>The manifest key: experiment and cycle.</summary>
    public string Key => $"{Experiment}#cycle{Cycle}";

    /// <summary>
    /// A hash of every resolved value (not their provenance) and of the contents the run reads
    /// (<see cref="RunInputFingerprint"/>: prompt file, model folder): a run whose config or inputs changed is not the
    /// same run. Computed afresh on each call (it reads the prompt file): read it once per run.
    /// </summary>
    public string ConfigHash
    {
        get
        {
            var text = new StringBuilder();
            foreach (var (name, resolved) in Config.Resolved.OrderBy(p => p.Key, StringComparer.Ordinal))
                text.Append(name).Append('=').Append(resolved.Value).Append('\n');
            foreach (var line in RunInputFingerprint.Lines(Config, BaseFolder)) text.Append(line).Append('\n');
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
        }
    }
}
