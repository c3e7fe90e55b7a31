using System.Text;

namespace Lem.Engine.Config;

/// <summary>Converts between the bare words of the language (<c>sorted_static</c>, <c>bf16</c>) and enum values.</summary>
public static class ConfigWords
{
    /// <summary><c>sorted_static</c> → <see cref="BatchingStrategy.SortedStatic"/>.</summary>
    public static TEnum Parse<TEnum>(string word) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(word.Replace("_", ""), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"'{word}' is not one of {string.Join(", ", Enum.GetValues<TEnum>().Select(v => Of(v)))}");

    /// <summary><see cref="BatchingStrategy.SortedStatic"/> → <c>sorted_static</c>, <see cref="Precision.Bf16"/> → <c>bf16</c>.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var word = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) word.Append('_');
            word.Append(char.ToLowerInvariant(name[i]));
        }
        return word.ToString();
    }
}
