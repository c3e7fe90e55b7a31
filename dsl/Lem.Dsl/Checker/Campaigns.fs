// The public surface and its documentation: Campaigns.fsi.
module Lem.Dsl.Checker.Campaigns

open System
open Lem.Dsl.Checker

type PlannedRun = { Experiment: string; Cycle: int }

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
