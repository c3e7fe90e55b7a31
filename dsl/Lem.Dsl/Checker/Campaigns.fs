/// Expands a campaign (or any target) into the ordered list of runs.
module Lem.Dsl.Checker.Campaigns

open System
open Lem.Dsl.Checker

/// One run: an experiment and its cycle (1-based).
type PlannedRun = { Experiment: string; Cycle: int }

/// interleaved: cycle by cycle, experiments in declared order within each cycle.
/// grouped: all cycles of one experiment before the next.
/// shuffled: cycle by cycle; one System.Random(seed) is created per expansion, and for each cycle (1, 2, ...)
/// the declared list is shuffled by Fisher-Yates: for i from n-1 down to 1, j = random.Next(i + 1), swap i and j.
let expand (c: CheckedCampaign) : PlannedRun list =
    let experiments = Array.ofList c.Experiments
    match c.Order with
    | Interleaved -> [ for cycle in 1 .. c.Cycles do for e in experiments -> { Experiment = e; Cycle = cycle } ]
    | Grouped -> [ for e in experiments do for cycle in 1 .. c.Cycles -> { Experiment = e; Cycle = cycle } ]
    | Shuffled ->
        let random = Random(c.Seed)
        [ for cycle in 1 .. c.Cycles do
              let order = Array.copy experiments
              for i in order.Length - 1 .. -1 .. 1 do
                  let j = random.Next(i + 1)
                  let t = order[i]
                  order[i] <- order[j]
                  order[j] <- t
              for e in order -> { Experiment = e; Cycle = cycle } ]
