using Lem.Engine.Config;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Prompts;
using static Lem.Engine.Config.ConfigValue;

namespace Lem.Engine.Tests.Workload;

public class PromptSourcesTests
{
    private static Call Call(string name, ConfigValue[] positional, params (string Key, ConfigValue Value)[] named) =>
        new(name, positional, named.Select(n => new KeyValuePair<string, ConfigValue>(n.Key, n.Value)).ToArray());

    [Fact]
    public void Synthetic_with_a_fixed_length()
    {
        var options = PromptSources.ParseOptions(Call("synthetic", [], ("count", new Integer(64)), ("input_tokens", new Integer(256))), "/base");
        Assert.Equal(new SyntheticPromptOptions(64, 256, 256, 0), options);
    }

    [Fact]
    public void Synthetic_with_a_range_and_seed()
    {
        var options = PromptSources.ParseOptions(
            Call("synthetic", [], ("count", new Integer(8)), ("input_tokens_min", new Integer(16)), ("input_tokens_max", new Integer(32)), ("seed", new Integer(3))), "/base");
        Assert.Equal(new SyntheticPromptOptions(8, 16, 32, 3), options);
    }

    [Fact]
    public void File_resolves_a_relative_path_against_the_base_folder()
    {
        var options = (FilePromptOptions)PromptSources.ParseOptions(
            Call("file", [new Text("data/alpaca.json")], ("format", new Word("alpaca")), ("sample", new Integer(10)), ("shuffle", new ConfigValue.Boolean(true)), ("seed", new Integer(7))), "/base/dir");
        Assert.Equal(new FilePromptOptions("/base/dir/data/alpaca.json", PromptFileFormat.Alpaca, null, 10, true, 7), options);
    }

    [Theory]
    [InlineData("p.jsonl", PromptFileFormat.Jsonl)]
    [InlineData("p.json", PromptFileFormat.Json)]
    [InlineData("p.csv", PromptFileFormat.Csv)]
    [InlineData("p.txt", PromptFileFormat.Text)]
    public void File_format_defaults_from_the_extension(string name, PromptFileFormat expected)
    {
        var options = (FilePromptOptions)PromptSources.ParseOptions(Call("file", [new Text(name)]), "/b");
        Assert.Equal(expected, options.Format);
    }

    [Fact]
    public void File_with_column()
    {
        var options = (FilePromptOptions)PromptSources.ParseOptions(Call("file", [new Text("/abs/p.csv")], ("format", new Word("csv")), ("column", new Text("prompt"))), "/b");
        Assert.Equal("prompt", options.Column);
        Assert.Equal("/abs/p.csv", options.Path);
    }

    [Fact]
    public void FromCall_loads_a_file_relative_to_the_base()
    {
        using var folder = new TempFolder();
        folder.Write("p.txt", "hello world\n");
        var set = PromptSources.FromCall(Call("file", [new Text("p.txt")]), folder.Path).Load(new WordTokenizer());
        Assert.Equal("hello world", Assert.Single(set.Prompts).Text);
    }

    [Theory]
    [InlineData("unknown argument 'cont' (did you mean count?)", "cont")]
    public void Unknown_arguments_suggest_a_close_name(string expected, string name)
    {
        var e = Assert.Throws<WorkloadException>(() => PromptSources.ParseOptions(Call("synthetic", [], (name, new Integer(3)), ("input_tokens", new Integer(4))), "/b"));
        Assert.Contains(expected, e.Message);
        Assert.Equal("prompts", e.Parameter);
    }

    public static TheoryData<Call, string> BadCalls => new()
    {
        { Call("synthetic", [], ("input_tokens", new Integer(4))), "needs count" },
        { Call("synthetic", [], ("count", new Integer(4))), "needs input_tokens" },
        { Call("synthetic", [], ("count", new Integer(4)), ("input_tokens", new Integer(4)), ("input_tokens_min", new Integer(2))), "not both" },
        { Call("synthetic", [], ("count", new Integer(4)), ("input_tokens_min", new Integer(9)), ("input_tokens_max", new Integer(2))), "below" },
        { Call("synthetic", [], ("count", new Text("4")), ("input_tokens", new Integer(4))), "whole number" },
        { Call("synthetic", [], ("count", new Integer(0)), ("input_tokens", new Integer(4))), "out of range" },
        { Call("synthetic", [new Integer(3)]), "named arguments only" },
        { Call("file", []), "needs the path" },
        { Call("file", [new Text("p.data")]), "cannot tell the format" },
        { Call("file", [new Text("p.json")], ("format", new Word("yaml"))), "unknown format 'yaml'" },
        { Call("file", [new Text("p.json")], ("shuffle", new Integer(1))), "true or false" },
        { Call("dataset", []), "not a prompt source" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void Bad_calls_are_errors_with_a_remedy(Call call, string expected)
    {
        var e = Assert.Throws<WorkloadException>(() => PromptSources.ParseOptions(call, "/b"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("prompts: ", e.Message);
    }
}
