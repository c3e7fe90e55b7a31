using System.Globalization;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Measurement;

/// <summary>
/// Verifies the GPU meter on a real GPU: counter update period, idle power plausibility, counter vs integrated
/// averaged-power samples under a steady load (within 3%), throttling flags clear under that load, and a deliberately
/// short window flagged. The caller provides the load and the device sync. <c>steadyLoad(d)</c> must keep the GPU busy
/// for <c>d</c> (a backend module's device load, until the time is up); it is called on a background thread, with
/// <c>d</c> = lead-in + window + tail, and the window opens after the lead-in so that it sees a steady load.
/// The meter needs its sampler on (it is by default).
/// </summary>
public static class MeterSelfCheck
{
    /// <param name="clock">The meter's clock (the system clock unless a test gave the meter another); windows are timed
    /// on it, and <paramref name="idleWait"/> defaults to its Sleep.</param>
    public static SelfCheckReport Run(GpuMeter meter, Action<TimeSpan> steadyLoad, Action? synchronize = null, SelfCheckOptions? options = null,
        Action<TimeSpan>? idleWait = null, MeterClock? clock = null)
    {
        options ??= new SelfCheckOptions();
        clock ??= MeterClock.System;
        idleWait ??= clock.Sleep;
        var items = new List<SelfCheckItem>();
        if (!meter.Health.Available)
        {
            items.Add(new SelfCheckItem($"{meter.Name} available", false, meter.Health.UnavailableReason ?? "unavailable"));
            return new SelfCheckReport(items);
        }
        var gpu = meter.Gpus[0];
        var prefix = gpu.Label.Replace(":", "", StringComparison.Ordinal);

        var period = meter.UpdatePeriodMs(gpu.Label);
        items.Add(new SelfCheckItem("counter update period", period is >= 10 and <= 1000,
            period is { } p ? F($"{p:F1} ms (expected about 100 ms on H100)") : "unknown: the counter did not change during the probe"));

        synchronize?.Invoke();
        var idle = IdleBaseline.Measure(meter, options.IdleDuration, idleWait, DateTimeOffset.UtcNow).FirstOrDefault();
        items.Add(IdlePowerItem(idle, meter.PowerLimitW(gpu.Label), options, meter.Terms));

        var loadTask = Task.Factory.StartNew(() => steadyLoad(options.LoadLeadIn + options.LoadDuration + options.LoadTail),
            TaskCreationOptions.LongRunning);
        idleWait(options.LoadLeadIn);
        var load = MeasurementWindow.Measure("self-check-load", [meter], () => idleWait(options.LoadDuration), synchronize, clock);
        loadTask.Wait();
        var result = load.Results[0];
        var figure = result.Energy.First(f => f.Component == gpu.Label);
        result.Metrics.TryGetValue($"{prefix}_samples_vs_counter_rel_diff", out var rel);
        var hasRel = result.Metrics.ContainsKey($"{prefix}_samples_vs_counter_rel_diff");
        var instant = result.Metrics.TryGetValue($"{prefix}_energy_samples_instant_power_j", out var ij) && figure.EnergyJ is { } cj && cj > 0
            ? F($"; integrated instant power {(ij - cj) / cj * 100:+0.00;-0.00}%") : "";
        items.Add(new SelfCheckItem("counter vs integrated averaged power", hasRel && Math.Abs(rel) <= options.Tolerance,
            figure.EnergyJ is { } e
                ? F($"counter {e:F1} J over {load.DurationS:F1} s ({e / load.DurationS:F0} W); averaged-power samples {(hasRel ? (rel * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + "%" : "missing")} (tolerance ±{options.Tolerance * 100:F0}%){instant}")
                : $"counter figure unavailable: {figure.Note}"));

        var throttled = result.Metrics.Where(kv => kv.Key.StartsWith($"{prefix}_throttle_", StringComparison.Ordinal) && kv.Value > 0
            && !kv.Key.Contains("sync_boost", StringComparison.Ordinal)).ToArray();
        items.Add(new SelfCheckItem("no throttling under load", throttled.Length == 0,
            throttled.Length == 0 ? "no flagged clock-event reason seen"
                : string.Join(", ", throttled.Select(kv => F($"{kv.Key} = {kv.Value:F2} s")))));

        var shortWindow = MeasurementWindow.Measure("self-check-short", [meter], () => idleWait(options.ShortWindow), synchronize, clock);
        var shortFigure = shortWindow.Results[0].Energy.First(f => f.Component == gpu.Label);
        items.Add(new SelfCheckItem("short window flagged", shortFigure.Source == EnergySource.Unavailable || shortFigure.LowConfidence,
            F($"{shortWindow.DurationS * 1000:F1} ms window: {shortFigure.Source}{(shortFigure.LowConfidence ? ", low confidence" : "")}; {shortFigure.Note}")));
        return new SelfCheckReport(items);
    }

    /// <summary>Idle power judged against the GPU's power limit (see <see cref="SelfCheckOptions.IdleMinFractionOfLimit"/>).</summary>
    public static SelfCheckItem IdlePowerItem(IdleBaselineFigure? idle, double? powerLimitW, SelfCheckOptions options, GpuVendorTerms terms)
    {
        if (idle is null) return new SelfCheckItem("idle power", false, "no idle energy figure");
        var measured = F($"{idle.PowerW:F1} W over {idle.IdleDurationS:F1} s");
        if (powerLimitW is not { } limit || limit <= 0)
            return new SelfCheckItem("idle power", false,
                measured + $"; {terms.Library} gave no power limit, so its plausibility cannot be judged (check {terms.PowerCheck})");
        var fraction = idle.PowerW / limit;
        var plausible = fraction >= options.IdleMinFractionOfLimit && fraction <= options.IdleMaxFractionOfLimit;
        return new SelfCheckItem("idle power", plausible, measured + F(
            $" = {fraction * 100:F1}% of the {limit:F0} W power limit (accepted {options.IdleMinFractionOfLimit * 100:0.#}–{options.IdleMaxFractionOfLimit * 100:0.#}%: {options.IdleMinFractionOfLimit * limit:F0}–{options.IdleMaxFractionOfLimit * limit:F0} W)")
            + (plausible ? "" : fraction > options.IdleMaxFractionOfLimit
                ? $"; something else may be running on the GPU ({terms.Tool} lists its processes), or it is stuck in a high power state"
                : $"; implausibly low: check that the energy counter advances ({terms.PowerCheck})"));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
