namespace Lem.Engine.Running;

/// <summary>
/// The boundaries in a planned run's life, in order. <see cref="RunnerServices.OnStep"/> (and the campaign runner's
/// step hook) is called at each: fault-injection tests stop the runner there, as a kill or a stop signal would, to
/// show that resume neither repeats nor loses a run whatever the point.
/// </summary>
public enum RunStep
{
    /// <summary>The run's claim is taken; nothing is written yet.</summary>
    Claimed,
    /// <summary>The manifest says the run is running.</summary>
    ManifestRunning,
    /// <summary>The run folder and its START marker exist.</summary>
    FolderCreated,
    /// <summary>Measured; the raw records are about to be written.</summary>
    BeforeRawRecords,
    /// <summary>Every worker's raw record is written; no DONE yet.</summary>
    AfterRawRecords,
    /// <summary>The backends' logs are copied; DONE is about to be written.</summary>
    BeforeDone,
    /// <summary>DONE is written (and the aggregated cache): the run is complete.</summary>
    AfterDone,
    /// <summary>The run returned; its manifest entry is about to say done.</summary>
    BeforeManifestDone,
    /// <summary>The manifest says done; the claim is about to be released.</summary>
    AfterManifestDone,
}
