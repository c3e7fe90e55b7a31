using System.Globalization;
using Lem.Engine.Inference;

namespace Lem.Engine.Workload.Prompts;

/// <summary>Prompts read from a dataset file (see <see cref="PromptFileFormat"/>), optionally shuffled with a seed and sampled.</summary>
public sealed class FilePromptSource(FilePromptOptions options) : IPromptSource
{
    public FilePromptOptions Options { get; } = options;

    public string Description
    {
        get
        {
            var parts = new List<string> { "\"" + Options.Path + "\"", "format = " + FormatName(Options.Format) };
            if (Options.Column is not null) parts.Add($"column = \"{Options.Column}\"");
            if (Options.Sample is { } sample) parts.Add("sample = " + sample.ToString(CultureInfo.InvariantCulture));
            if (Options.Shuffle) parts.Add("shuffle = true, seed = " + Options.Seed.ToString(CultureInfo.InvariantCulture));
            return "file(" + string.Join(", ", parts) + ")";
        }
    }

    public PromptSet Load(ITextTokenizer tokenizer)
    {
        var path = Options.Path;
        var (entries, skipped) = ReadEntries();
        var prompts = new Prompt[entries.Count];
        for (var i = 0; i < prompts.Length; i++)
        {
            var (line, text) = entries[i];
            var ids = tokenizer.Encode(text);
            if (ids.Length == 0)
                throw new WorkloadException($"{path}:{line}: this prompt encodes to 0 tokens. Remove the record or give it text.", "prompts");
            prompts[i] = new Prompt(i, text, ids);
        }
        var warnings = skipped > 0
            ? new[] { $"{path}: {skipped} records without a human turn were skipped." }
            : Array.Empty<string>();
        return new PromptSet(prompts, Description, warnings);
    }

    /// <summary>
    /// The prompts' texts (after shuffle and sample) with their lines, and how many records had no prompt: everything
    /// short of tokenizing, so that a check before any run (pre-flight) finds a missing, malformed or short file.
    /// </summary>
    /// <exception cref="WorkloadException">The file is missing, not UTF-8, malformed for its format, or holds fewer prompts than sample.</exception>
    public (IReadOnlyList<(int Line, string Text)> Entries, int Skipped) ReadEntries()
    {
        var path = Options.Path;
        if (!File.Exists(path))
            throw new WorkloadException($"prompts: file not found: {path}. Check the path (it is relative to the folder of the file that names it).", "prompts");
        if (Options.Column is not null && Options.Format is not (PromptFileFormat.Jsonl or PromptFileFormat.Json or PromptFileFormat.Csv))
            throw new WorkloadException(
                $"prompts: column = \"{Options.Column}\" applies to format = jsonl, json or csv; format = {FormatName(Options.Format)} knows its fields. Remove column, or use one of those formats.", "prompts");
        if (Options.Sample is < 1)
            throw new WorkloadException($"prompts: sample = {Options.Sample} must be at least 1 (or left out to take every prompt).", "prompts");

        var text = PromptFileReader.ReadText(path);
        var container = ContainerOf(path, text, Options.Format);
        var column = Options.Column ?? FilePromptOptions.DefaultColumn;
        var entries = new List<(int Line, string Text)>();
        var skipped = 0;
        PromptFileReader.Read(path, text, container, record =>
        {
            var prompt = PromptRecordAdapter.Extract(path, record, Options.Format, column);
            if (prompt is null) skipped++;
            else entries.Add((record.Line, prompt));
        });
        if (entries.Count == 0)
            throw new WorkloadException($"{path}: no prompts found{(skipped > 0 ? $" ({skipped} records had no human turn)" : "")}. Check the file and its format (format = {FormatName(Options.Format)}).", "prompts");

        if (Options.Shuffle)
        {
            var random = Seeds.Random(Options.Seed);
            for (var i = entries.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (entries[i], entries[j]) = (entries[j], entries[i]);
            }
        }
        if (Options.Sample is { } sample)
        {
            if (sample > entries.Count)
                throw new WorkloadException($"{path}: sample = {sample} but the file holds only {entries.Count} prompts. Lower sample, or leave it out to take them all.", "prompts");
            entries.RemoveRange(sample, entries.Count - sample);
        }
        return (entries, skipped);
    }

    public static string FormatName(PromptFileFormat format) => format.ToString().ToLowerInvariant();

    private static PromptFileReader.Container ContainerOf(string path, string text, PromptFileFormat format)
    {
        switch (format)
        {
            case PromptFileFormat.Jsonl: return PromptFileReader.Container.JsonLines;
            case PromptFileFormat.Json: return PromptFileReader.Container.JsonArray;
            case PromptFileFormat.Csv: return PromptFileReader.Container.Csv;
            case PromptFileFormat.Text: return PromptFileReader.Container.TextLines;
        }
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (format == PromptFileFormat.ShareGpt)
                throw new WorkloadException($"{path}: ShareGPT conversations need a JSON or JSON-lines file, not CSV.", "prompts");
            return PromptFileReader.Container.Csv;
        }
        return PromptFileReader.SniffJson(text)
            ?? throw new WorkloadException(
                $"{path}:1: format = {FormatName(format)} expects JSON records (a JSON array, or one object per line) or a .csv file. Check the file, or choose another format.", "prompts");
    }
}
