using Lem.Engine.Config;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Prompts;
using static Lem.Engine.Config.ConfigValue;

namespace Lem.Engine.Tests.Workload;

public class PromptSourcesTests
{
    private static Call Call(string name, ConfigValue[] positional, params (string Key, ConfigValue Value)[] named) =>
        new(name, positional, named.Select(n => new KeyValuePair<string, ConfigValue>(n.Key, n.Value)).ToArray());

    private static PromptSourceOptions Options(Call call, string baseFolder) => PromptSources.OptionsFrom(PromptSpec.From(call), baseFolder);

    [Fact]
    public void Synthetic_with_a_fixed_length()
    {
        var options = Options(Call("synthetic", [], ("count", new Integer(64)), ("input_tokens", new Integer(256))), "/base");
        Assert.Equal(new SyntheticPromptOptions(64, 256, 256, 0), options);
    }

    [Fact]
    public void Synthetic_with_a_range_and_seed()
    {
        var options = Options(
            Call("synthetic", [], ("count", new Integer(8)), ("min_input_tokens", new Integer(16)), ("input_tokens", new Integer(32)), ("seed", new Integer(3))), "/base");
        Assert.Equal(new SyntheticPromptOptions(8, 16, 32, 3), options);
    }

    [Fact]
    public void File_resolves_a_relative_path_against_the_base_folder()
    {
        var options = (FilePromptOptions)Options(
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
        var options = (FilePromptOptions)Options(Call("file", [new Text(name)]), "/b");
        Assert.Equal(expected, options.Format);
    }

    [Fact]
    public void File_with_column()
    {
        var options = (FilePromptOptions)Options(Call("file", [new Text("/abs/p.csv")], ("format", new Word("csv")), ("column", new Text("prompt"))), "/b");
        Assert.Equal("prompt", options.Column);
        Assert.Equal("/abs/p.csv", options.Path);
    }

    [Fact]
    public void FromSpec_loads_a_file_relative_to_the_base()
    {
        using var folder = new TempFolder();
        folder.Write("p.txt", "hello world\n");
        var set = PromptSources.FromSpec(PromptSpec.From(Call("file", [new Text("p.txt")])), folder.Path).Load(new WordTokenizer());
        Assert.Equal("hello world", Assert.Single(set.Prompts).Text);
    }

    public static TheoryData<Call, string> BadCalls => new()
    {
        { Call("synthetic", [], ("count", new Integer(4)), ("input_tokens", new Integer(4)), ("min_input_tokens", new Integer(9))), "greater than input_tokens" },
        { Call("file", [new Text("p.data")]), "cannot tell the format" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void Bad_calls_are_errors_with_a_remedy(Call call, string expected)
    {
        var e = Assert.Throws<WorkloadException>(() => Options(call, "/b"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("prompts: ", e.Message);
    }
}
