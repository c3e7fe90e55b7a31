/// Statistics across cycles, per metric and per group of runs (groups = equal values of some parameters).
module Lem.Analysis.Summary

open Deedle
open Lem.Engine.Metrics

/// One metric over the runs of one group.
type MetricSummary =
    { Metric: string
      /// Runs of the group that have a value of this metric.
      Values: float list
      /// None when no run of the group has a value.
      Statistics: StatisticsSummary option
      /// What is missing, in words (no value, a single value, runs without the metric); None when nothing is.
      Note: string option }

/// One group of runs: its values of the grouping columns and its runs.
type Group =
    { By: string list
      Values: Cell list
      Label: string
      Runs: string list
      Metrics: MetricSummary list }

/// The column names of a metric's statistics in a summary frame, in order.
let statisticColumns (metric: string) =
    [ "n"; "mean"; "std"; "cv"; "ci95_t_low"; "ci95_t_high"; "ci95_bootstrap_low"; "ci95_bootstrap_high"; "median"; "p5"; "p95"; "note" ]
    |> List.map (fun s -> $"{metric}_{s}")

let private summarise (frame: Frame<string, string>) (metric: string) (runs: string list) =
    let byRun = Columns.numbers frame "metric" metric |> Map.ofList
    let values = runs |> List.choose (fun r -> byRun[r])
    let statistics = Stats.describe values
    let lacking = runs.Length - values.Length
    let notes =
        [ match statistics with
          | None -> "no value: no run of this group has the metric"
          | Some s -> yield! Option.toList (Option.ofObj s.NoIntervalReason)
          if lacking > 0 && not values.IsEmpty then $"{lacking} of {runs.Length} runs lack the metric" ]
    { Metric = metric
      Values = values
      Statistics = statistics
      Note = if notes.IsEmpty then None else Some(String.concat "; " notes) }

/// Groups the runs by the given columns (an empty list means: by experiment, that is, across the cycles of each
/// experiment) and summarises each metric in each group.
let groups (frame: Frame<string, string>) (by: string list) (metrics: string list) : Group list =
    let by = if List.isEmpty by then [ "experiment" ] else by
    if List.isEmpty metrics then raise (AnalysisException "name at least one metric to summarise, for example energy_per_output_token_j.")
    for m in metrics do Columns.numbers frame "metric" m |> ignore
    Columns.groupBy frame by
    |> List.map (fun (values, runs) ->
        { By = by
          Values = values
          Label = Columns.groupLabel by values
          Runs = runs
          Metrics = metrics |> List.map (fun m -> summarise frame m runs) })

/// Groups as a frame: one row per group (keyed by its label), the grouping columns, `runs`, then for each metric
/// n, mean, std, cv, the Student-t and bootstrap-percentile 95% interval bounds, the median, p5 and p95 of the values,
/// and a note.
let toFrame (frame: Frame<string, string>) (groups: Group list) : Frame<string, string> =
    match groups with
    | [] -> raise (AnalysisException "there are no runs to summarise.")
    | first :: _ ->
        let keys = groups |> List.map (fun g -> g.Label)
        let byColumns =
            first.By
            |> List.mapi (fun i name ->
                let cells = groups |> List.map (fun g -> g.Values[i])
                if Columns.isNumber frame name then
                    FrameBuild.NumberColumn(name, cells |> List.map (function Cell.Number v -> Some v | _ -> None))
                else
                    FrameBuild.TextColumn(name, cells |> List.map (function Cell.Missing -> None | c -> Some c.Label)))
        let runs = FrameBuild.NumberColumn("runs", groups |> List.map (fun g -> Some(float g.Runs.Length)))
        let metricColumns =
            first.Metrics
            |> List.mapi (fun i m ->
                let stats = groups |> List.map (fun g -> g.Metrics[i])
                let number suffix (pick: MetricSummary -> float option) = FrameBuild.NumberColumn($"{m.Metric}_{suffix}", stats |> List.map pick)
                let s (pick: StatisticsSummary -> float option) (ms: MetricSummary) = ms.Statistics |> Option.bind pick
                let interval (pick: StatisticsSummary -> ConfidenceInterval) (bound: ConfidenceInterval -> float) =
                    s (fun st ->
                        match pick st with
                        | null -> None
                        | ci -> Some(bound ci))
                [ number "n" (fun ms -> Some(float ms.Values.Length))
                  number "mean" (s (fun st -> Some st.Mean))
                  number "std" (s (fun st -> Option.ofNullable st.Std))
                  number "cv" (s (fun st -> Option.ofNullable st.Cv))
                  number "ci95_t_low" (interval (fun st -> st.StudentT) (fun ci -> ci.Lower))
                  number "ci95_t_high" (interval (fun st -> st.StudentT) (fun ci -> ci.Upper))
                  number "ci95_bootstrap_low" (interval (fun st -> st.Bootstrap) (fun ci -> ci.Lower))
                  number "ci95_bootstrap_high" (interval (fun st -> st.Bootstrap) (fun ci -> ci.Upper))
                  number "median" (s (fun st -> Option.ofNullable st.Median))
                  number "p5" (s (fun st -> Option.ofNullable st.P5))
                  number "p95" (s (fun st -> Option.ofNullable st.P95))
                  FrameBuild.TextColumn($"{m.Metric}_note", stats |> List.map (fun ms -> ms.Note)) ])
            |> List.concat
        FrameBuild.build keys (byColumns @ [ runs ] @ metricColumns)

/// Summary frame of the metrics grouped by the given columns (see groups and toFrame).
let frame (frame: Frame<string, string>) (by: string list) (metrics: string list) =
    toFrame frame (groups frame by metrics)

/// The mean and Student-t 95% interval of a metric summary, for plotting (interval None when n < 2).
let meanAndInterval (m: MetricSummary) =
    m.Statistics
    |> Option.map (fun s ->
        s.Mean,
        (match s.StudentT with
         | null -> None
         | ci -> Some(ci.Lower, ci.Upper)))
