using System.Text;

namespace Lem.Engine.Measurement;

/// <summary>The outcome of <see cref="MeterSelfCheck.Run"/>.</summary>
public sealed record SelfCheckReport(IReadOnlyList<SelfCheckItem> Items)
{
    public bool Passed => Items.All(i => i.Passed);

    public string Render()
    {
        var sb = new StringBuilder("meter self-check: ").Append(Passed ? "PASS" : "FAIL").Append('\n');
        foreach (var i in Items) sb.Append(i.Passed ? "  ok    " : "  FAIL  ").Append(i.Check).Append(": ").Append(i.Detail).Append('\n');
        return sb.ToString().TrimEnd();
    }
}
