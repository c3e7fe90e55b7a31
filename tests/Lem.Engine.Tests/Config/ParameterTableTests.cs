using Lem.Engine.Tests.Fakes;
using System.Text.Json;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class ParameterTableTests
{
    [Fact]
    public void Json_lists_every_registry_parameter_with_all_fields()
    {
        using var document = JsonDocument.Parse(ParameterTable.ToJson(TestRegistry.Instance));
        var entries = document.RootElement.EnumerateArray().ToList();

        Assert.Equal(TestRegistry.Instance.All.Select(d => d.Name), entries.Select(e => e.GetProperty("name").GetString()));
        foreach (var entry in entries)
            foreach (var field in new[] { "type", "default", "allowed", "min", "max", "unit", "backends", "help" })
                Assert.True(entry.TryGetProperty(field, out _), $"{entry.GetProperty("name")} lacks {field}");
    }

    [Fact]
    public void Json_writes_values_with_their_json_types()
    {
        using var document = JsonDocument.Parse(ParameterTable.ToJson(TestRegistry.Instance));
        JsonElement Entry(string name) => document.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

        var batchSize = Entry("batching.batch_size");
        Assert.Equal("integer", batchSize.GetProperty("type").GetString());
        Assert.Equal(1, batchSize.GetProperty("default").GetInt64());
        Assert.Equal(1, batchSize.GetProperty("min").GetDouble());
        Assert.Equal(65536, batchSize.GetProperty("max").GetDouble());
        Assert.Equal("prompts", batchSize.GetProperty("unit").GetString());
        Assert.Equal(0, batchSize.GetProperty("backends").GetArrayLength());

        Assert.Equal(["fp32", "fp16", "bf16"], Entry("precision").GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(JsonValueKind.Null, Entry("decoder.temperature").GetProperty("default").ValueKind);
        Assert.Equal("100ms", Entry("measurement.sample_interval").GetProperty("default").GetString());
        Assert.Equal("1ms", Entry("measurement.sample_interval").GetProperty("min").GetString());
        Assert.True(Entry("measurement.time_series").GetProperty("default").GetBoolean());
        Assert.Equal(["scripted"], Entry("scripted.step_ms").GetProperty("backends").EnumerateArray().Select(a => a.GetString()));

        var prompts = Entry("prompts");
        Assert.Equal(["synthetic", "file"], prompts.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        var file = prompts.GetProperty("calls").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "file");
        var path = file.GetProperty("arguments").EnumerateArray().First();
        Assert.Equal(("path", true, true), (path.GetProperty("name").GetString(), path.GetProperty("positional").GetBoolean(), path.GetProperty("required").GetBoolean()));
    }

    [Fact]
    public void Text_has_one_aligned_row_per_parameter_and_the_call_arguments()
    {
        var lines = ParameterTable.ToText(TestRegistry.Instance).Split('\n');
        var header = lines[0];
        var rows = lines.Skip(1).Take(TestRegistry.Instance.All.Count).ToList();

        Assert.StartsWith("NAME", header);
        Assert.Equal(TestRegistry.Instance.All.Select(d => d.Name), rows.Select(r => r.Split(' ')[0]));
        var typeColumn = header.IndexOf("TYPE", StringComparison.Ordinal);
        var helpColumn = header.IndexOf("HELP", StringComparison.Ordinal);
        foreach (var (row, definition) in rows.Zip(TestRegistry.Instance.All))
        {
            Assert.Equal(' ', row[typeColumn - 1]);
            Assert.StartsWith(definition.Kind.ToString().ToLowerInvariant().Replace("textlist", "text list"), row[typeColumn..]);
            Assert.Equal(definition.Help, row[helpColumn..]);
        }

        var batchSize = rows.Single(r => r.StartsWith("batching.batch_size ", StringComparison.Ordinal));
        Assert.Contains(" 1..65536 ", batchSize);
        Assert.Contains(" prompts ", batchSize);
        Assert.Contains(" fp32|fp16|bf16 ", rows.Single(r => r.StartsWith("precision ", StringComparison.Ordinal)));
        Assert.Contains(" scripted ", rows.Single(r => r.StartsWith("scripted.step_ms ", StringComparison.Ordinal)));
        Assert.Contains(" (preset) ", rows.Single(r => r.StartsWith("decoder.top_p ", StringComparison.Ordinal)));

        var text = ParameterTable.ToText(TestRegistry.Instance);
        Assert.Contains("prompts = file(path, format = ..., column = ..., sample = ..., shuffle = ..., seed = ...)", text);
        Assert.Contains("  format (choice, text|jsonl|json|csv|alpaca|gsm8k|sharegpt): ", text);
        Assert.Contains("  count (integer, default 8, 1..10000000, prompts): Number of prompts.", text);
    }
}
