using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class DurationTextTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(2.9)]
    [InlineData(0.3)]
    [InlineData(1)]
    [InlineData(1700.1)]
    [InlineData(250)]
    [InlineData(1500)]
    [InlineData(30_000)]
    [InlineData(90_000)]
    [InlineData(120_000)]
    [InlineData(3_600_000)]
    [InlineData(5_400_000)]
    [InlineData(129_600_000)]
    public void Format_then_parse_gives_the_same_duration(double milliseconds)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);
        Assert.True(DurationText.TryParse(DurationText.Format(duration), out var parsed));
        Assert.Equal(duration, parsed);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2.9ms", 2.9)]
    [InlineData("0.7s", 700)]
    [InlineData("0s", 0)]
    public void Parses_the_units_of_the_language(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var parsed));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), parsed);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(30_000, "30s")]
    [InlineData(120_000, "2m")]
    [InlineData(3_600_000, "1h")]
    public void Formats_with_the_largest_whole_unit(double milliseconds, string expected) =>
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("")]
    [InlineData("ms")]
    [InlineData("5")]
    [InlineData("-1s")]
    [InlineData("5x")]
    [InlineData("1d")]
    [InlineData("1e400s")]
    public void Rejects_text_that_is_not_a_duration(string text) => Assert.False(DurationText.TryParse(text, out _));
}
