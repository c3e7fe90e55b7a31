namespace Lem.Engine.Results.Validity;

/// <summary>Outcome of a validity check, and of a verdict (its worst check). Written <c>pass</c>, <c>warn</c>, <c>fail</c>.</summary>
public enum ValidityStatus
{
    /// <summary>The figure can be used as it is.</summary>
    Pass,
    /// <summary>Usable, with the caveat the detail states.</summary>
    Warn,
    /// <summary>The figure does not mean what its name says; do not publish it without the cause removed.</summary>
    Fail,
}
