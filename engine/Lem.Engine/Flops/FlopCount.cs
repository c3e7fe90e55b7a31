namespace Lem.Engine.Flops;

/// <summary>Floating-point operations (a multiply-add counts 2), split by phase.</summary>
public sealed record FlopCount(double PrefillFlops, double DecodeFlops)
{
    public double TotalFlops => PrefillFlops + DecodeFlops;
    public static FlopCount operator +(FlopCount a, FlopCount b) => new(a.PrefillFlops + b.PrefillFlops, a.DecodeFlops + b.DecodeFlops);
    public static readonly FlopCount Zero = new(0, 0);
}
