using Lem.Models.Safetensors;

namespace Lem.Models.Tests.Safetensors;

public class PythonJsonTests
{
    [Theory]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e-6, "1e-06")]
    [InlineData(1.5e-6, "1.5e-06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.02, "0.02")]
    [InlineData(10000.0, "10000.0")]
    [InlineData(500000.0, "500000.0")]
    [InlineData(1000000.0, "1000000.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1234.5, "1234.5")]
    [InlineData(8.0, "8.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    public void Floats_are_written_as_python_repr(double value, string expected) =>
        Assert.Equal(expected, PythonJson.FloatRepr(value));

    [Fact]
    public void Dumps_indents_sorts_and_escapes_like_python()
    {
        var value = new Dictionary<string, object?>
        {
            ["b"] = new object?[] { 1, 2.0, null },
            ["a"] = new Dictionary<string, object?> { ["z"] = true, ["y"] = "é\"" },
            ["c"] = new Dictionary<string, object?>(),
            ["d"] = Array.Empty<object?>(),
        };
        Assert.Equal("{\n  \"a\": {\n    \"y\": \"\\u00e9\\\"\",\n    \"z\": true\n  },\n  \"b\": [\n    1,\n    2.0,\n    null\n  ],\n  \"c\": {},\n  \"d\": []\n}",
            PythonJson.Dumps(value));
    }
}
