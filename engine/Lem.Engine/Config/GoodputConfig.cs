namespace Lem.Engine.Config;

/// <summary>The <c>goodput.*</c> targets (milliseconds); both unset means goodput is not reported.</summary>
public sealed record GoodputConfig(double? TtftMs, double? TpotMs)
{
    public bool Any => TtftMs is not null || TpotMs is not null;
}
