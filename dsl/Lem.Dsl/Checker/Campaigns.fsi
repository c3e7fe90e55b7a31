/// Expands a campaign (or any target) into the ordered list of runs.
module Lem.Dsl.Checker.Campaigns

/// One run: an experiment and its cycle (1-based).
type PlannedRun = { Experiment: string; Cycle: int }

/// interleaved: cycle by cycle, experiments in declared order within each cycle.
/// grouped: all cycles of one experiment before the next.
/// shuffled: cycle by cycle; one System.Random(seed) is created per expansion, and for each cycle (1, 2, ...)
/// the declared list is shuffled by Fisher-Yates: for i from n-1 down to 1, j = random.Next(i + 1), swap i and j.
val expand: c: Lem.Dsl.Checker.CheckedCampaign -> PlannedRun list
