namespace Lem.Engine.Running;

/// <param name="Gap">Pause between consecutive runs (thermal gap); none after the last run.</param>
/// <param name="CycleGap">Pause when the next run starts a new cycle (used instead of <paramref name="Gap"/>).</param>
/// <param name="Fresh">Run everything again instead of skipping runs the manifest records as done.</param>
public sealed record CampaignOptions(TimeSpan Gap, TimeSpan CycleGap, bool Fresh = false)
{
    public static readonly CampaignOptions Default = new(TimeSpan.Zero, TimeSpan.Zero);
}
