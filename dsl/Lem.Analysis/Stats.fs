/// Statistics across cycles: a thin F# layer over the engine's Lem.Engine.Metrics.Statistics (the one
/// implementation: mean, sample std, CV, Student-t and bootstrap-percentile 95% intervals with a fixed seed).
module Lem.Analysis.Stats

open Lem.Engine.Metrics

/// Statistics of the values, or None when there are none. With one value there is no spread and no interval,
/// and the summary's NoIntervalReason says so.
let describe (values: float list) : StatisticsSummary option =
    match values with
    | [] -> None
    | _ -> Some(Statistics.Describe(List.toArray values))
