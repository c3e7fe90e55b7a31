namespace Lem.Engine.Config;

/// <summary>The codes of registry and validation findings (<see cref="Diagnostic.Code"/>).</summary>
public static class DiagnosticCodes
{
    /// <summary>Unknown parameter name, or unknown argument name of a call.</summary>
    public const string UnknownName = "LEM1001";
    /// <summary>A value of the wrong type (text where a number is expected...).</summary>
    public const string WrongType = "LEM1002";
    /// <summary>A number or duration outside the parameter's range.</summary>
    public const string OutOfRange = "LEM1003";
    /// <summary>A word that is not among the allowed values (or an unknown call name).</summary>
    public const string NotAllowed = "LEM1004";
    /// <summary>A parameter that does not apply to the chosen backend.</summary>
    public const string NotForBackend = "LEM1005";
    /// <summary>Parameters that contradict each other, or one that has no effect because of another.</summary>
    public const string CrossField = "LEM1006";
    /// <summary>Text of the right type but the wrong shape (a device that is not <c>cpu</c> or <c>cuda:N</c>, an empty path).</summary>
    public const string MalformedText = "LEM1007";
    /// <summary>A call of the wrong shape: a missing required argument, an argument given twice, too many positional arguments.</summary>
    public const string MalformedCall = "LEM1008";
}
