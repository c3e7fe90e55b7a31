namespace Lem.Engine.Results.Schema;

/// <summary>Whether a run folder holds a DONE marker (written after every raw record of the run).</summary>
public enum RunStatus
{
    Complete,
    Incomplete,
}
