using System.Globalization;

namespace Lem.Engine.Config;

/// <summary>A device as the <c>device</c> parameter writes it: <c>cpu</c> or <c>cuda:N</c>.</summary>
public sealed record DeviceSpec(DeviceKind Kind, int Index = 0)
{
    public static readonly DeviceSpec Cpu = new(DeviceKind.Cpu);

    public bool IsCuda => Kind == DeviceKind.Cuda;

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : "cuda:" + Index.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DeviceSpec device)
    {
        device = Cpu;
        if (text == "cpu") return true;
        if (!text.StartsWith("cuda:", StringComparison.Ordinal)) return false;
        var digits = text["cuda:".Length..];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return false;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return false;
        device = new DeviceSpec(DeviceKind.Cuda, index);
        return true;
    }

    public static DeviceSpec Parse(string text) =>
        TryParse(text, out var device) ? device : throw new FormatException($"\"{text}\" is not a device: write \"cpu\" or \"cuda:N\", for example \"cuda:0\"");
}
