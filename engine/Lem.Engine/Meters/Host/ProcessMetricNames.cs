namespace Lem.Engine.Meters.Host;

/// <summary>Names of the process meter's metrics (what host attribution and the record read back).</summary>
public static class ProcessMetricNames
{
    /// <summary>utime + stime of the measured processes over the window, ticks.</summary>
    public const string ProcessCpuTicks = "process_cpu_ticks";
    /// <summary>Busy ticks of the whole machine (all CPUs) over the window.</summary>
    public const string SystemBusyTicks = "system_busy_ticks";
    /// <summary>All ticks of the whole machine (all CPUs, idle included) over the window.</summary>
    public const string SystemTotalTicks = "system_total_ticks";
    /// <summary>system_total_ticks / logical CPUs: the window's length in ticks.</summary>
    public const string WindowTicksPerCpu = "window_ticks_per_cpu";
    /// <summary>process_cpu_ticks / system_busy_ticks (at most 1): the share of host energy attributed to the processes.</summary>
    public const string ProcessCpuShare = "process_cpu_share";
    /// <summary>(system_busy_ticks − process_cpu_ticks) / system_total_ticks: what the rest of the machine used of its capacity.</summary>
    public const string OtherCpuShare = "other_cpu_share";
    /// <summary>1 when the share rests on fewer ticks than the low-confidence limit.</summary>
    public const string ShareLowConfidence = "process_cpu_share_low_confidence";
    /// <summary>Time-weighted mean resident set of the processes over the window, bytes.</summary>
    public const string RssMeanBytes = "process_rss_mean_bytes";
    /// <summary>Peak resident set of the processes in the window, bytes.</summary>
    public const string RssPeakBytes = "process_rss_peak_bytes";
    /// <summary>1: the peak is VmHWM reset at the window's start (exact); 0: the largest of the samples.</summary>
    public const string RssPeakFromHighWaterMark = "process_rss_peak_from_hwm";
    public const string RssSamples = "process_rss_samples";
    /// <summary>Most processes seen in the set at once.</summary>
    public const string Members = "process_members";
}
