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

    // Pre-flight (LEM11nn): what can be known about an experiment before anything runs, from the files it names and
    // this machine (Lem.Engine.Preflight and each backend module's IBackendModule.Preflight).

    /// <summary>A file or folder a value names does not exist or cannot be read (a model, a prompt file).</summary>
    public const string InputMissing = "LEM1101";
    /// <summary>A file exists but cannot be used: not UTF-8, malformed for its format, a model of a family the backend does not run.</summary>
    public const string InputInvalid = "LEM1102";
    /// <summary>Fewer prompts than the experiment needs (a file's prompts below <c>sample</c>, fewer prompts than data-parallel workers).</summary>
    public const string NotEnoughPrompts = "LEM1103";
    /// <summary>A synthetic model preset that does not exist, or that the backend cannot write in its format.</summary>
    public const string UnknownPreset = "LEM1104";
    /// <summary>A GPU named (<c>device</c>, <c>parallel.devices</c>, <c>measurement.gpus</c>) is not present here: an error for <c>lem run</c>, a warning for <c>lem check</c>.</summary>
    public const string DeviceAbsent = "LEM1105";
    /// <summary>The backend cannot run here: a server command not on PATH, a native library that is missing, a provider this build lacks.</summary>
    public const string BackendUnavailable = "LEM1106";
    /// <summary>An output folder (<c>results.dir</c>) cannot be created or written.</summary>
    public const string OutputNotWritable = "LEM1107";
}
