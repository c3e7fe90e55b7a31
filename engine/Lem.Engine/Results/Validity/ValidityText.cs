using System.Text;

namespace Lem.Engine.Results.Validity;

/// <summary>The verdict as text for <c>lem results show</c> (shown before everything else).</summary>
public static class ValidityText
{
    public static string Render(ValidityVerdict? verdict)
    {
        if (verdict is null) return "Validity: not judged (the record was written before verdicts existed)\n";
        var text = new StringBuilder($"Validity: {ValidityVerdict.Text(verdict.Status).ToUpperInvariant()}\n");
        foreach (var c in verdict.Checks.OrderByDescending(c => c.Status))
            text.Append("  ").Append(ValidityVerdict.Text(c.Status).PadRight(5)).Append(' ').Append(c.Name).Append(": ").Append(c.Detail).Append('\n');
        return text.ToString();
    }
}
