namespace Lem.Engine.Results.Validity;

/// <summary>One check of a record: a stable name (with the component it concerns), its outcome, what was seen, and the value judged.</summary>
public sealed record ValidityCheck(string Name, ValidityStatus Status, string Detail, double? Value = null);
