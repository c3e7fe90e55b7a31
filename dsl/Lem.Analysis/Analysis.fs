/// The language's `analyze` clauses as plain functions over a results frame (Results.load) and a results folder:
/// table, plot, pareto, export.
module Lem.Analysis.Analysis

open System
open System.IO
open Deedle
open Lem.Engine.Results.Export

let private ci (m: Summary.MetricSummary) =
    match m.Statistics with
    | Some s when not (isNull s.StudentT) -> $"[{Format.number s.StudentT.Lower}, {Format.number s.StudentT.Upper}]"
    | Some _ -> "n < 2"
    | None -> Format.Missing

/// `table METRICS by PARAMS`: statistics across cycles per group as a text table (per metric: mean, Student-t 95%
/// CI, CV; notes under the table say where an interval is missing and why) and as a summary frame (Summary.toFrame).
/// No PARAMS: grouped by experiment.
let table (frame: Frame<string, string>) (metrics: string list) (by: string list) : string * Frame<string, string> =
    let groups = Summary.groups frame by metrics
    let byNames = (List.head groups).By
    let header = byNames @ [ "runs" ] @ (metrics |> List.collect (fun m -> [ $"{m} mean"; "95% CI (t)"; "CV" ]))
    let rows =
        groups
        |> List.map (fun g ->
            (g.Values |> List.map (fun v -> v.Label))
            @ [ string g.Runs.Length ]
            @ (g.Metrics
               |> List.collect (fun m ->
                   [ m.Statistics |> Option.map (fun s -> Format.number s.Mean) |> Option.defaultValue Format.Missing
                     ci m
                     m.Statistics |> Option.bind (fun s -> Option.ofNullable s.Cv) |> Option.map (fun cv -> Format.number (cv * 100.0) + "%") |> Option.defaultValue Format.Missing ])))
    let notes =
        [ for g in groups do
              for m in g.Metrics do
                  match m.Note with
                  | Some note -> $"  {g.Label}: {m.Metric}: {note}"
                  | None -> () ]
    let text = TextTable.render header rows + (if notes.IsEmpty then "" else "notes:\n" + String.concat "\n" notes + "\n")
    text, Summary.toFrame frame groups

/// The figure of `plot Y vs X [by P]`: the mean of Y over the runs at each X (one series per value of P), with
/// Student-t 95% intervals where a point has at least two runs. A number X (a parameter, or a call argument such as
/// `prompts.input_tokens`) is a numeric axis; a text X is a categorical axis in natural order (128 before 1024).
let figure (frame: Frame<string, string>) (y: string) (x: string) (by: string option) : Figure =
    Columns.numbers frame "metric" y |> ignore
    Columns.require frame "x column" x
    let xNumeric = Columns.isNumber frame x
    let byNames = Option.toList by
    let groups = Summary.groups frame (byNames @ [ x ]) [ y ]
    let categories =
        if xNumeric then []
        else groups |> List.map (fun g -> (List.last g.Values).Label) |> List.distinct |> List.sortWith NaturalOrder.compare
    let series =
        groups
        |> List.groupBy (fun g -> List.truncate byNames.Length g.Values)
        |> List.choose (fun (byValues, members) ->
            let points =
                members
                |> List.choose (fun g ->
                    match List.last g.Values, Summary.meanAndInterval g.Metrics.Head with
                    | Cell.Missing, _
                    | _, None -> None
                    | Cell.Number v, Some(mean, interval) -> Some((v, mean), interval, g.Label)
                    | xValue, Some(mean, interval) -> Some((float (List.findIndex ((=) xValue.Label) categories), mean), interval, g.Label))
            if points.IsEmpty then None
            else
                Some
                    { Name = (if byNames.IsEmpty then y else Columns.groupLabel byNames byValues)
                      Points = points |> List.map (fun (p, _, _) -> p)
                      Intervals = points |> List.map (fun (_, i, _) -> i)
                      Labels = points |> List.map (fun (_, _, l) -> l)
                      Lines = true })
    if series.IsEmpty then raise (AnalysisException $"nothing to plot: no run has both {y} and {x}.")
    let title = $"{y} vs {x}" + (by |> Option.map (fun p -> $" by {p}") |> Option.defaultValue "")
    { Figure.create title x $"{y} (mean, 95%% CI)" series with XCategories = categories }

/// Where an output file of `analyze` (plot, export) goes: a relative path resolves against the working directory — the
/// same base as results.dir, so `lem run` and `analyze` agree on where things are (docs/analysis.md).
let outputPath (file: string) = Path.GetFullPath file

let private prepareOutput (path: string) =
    let full = outputPath path
    Directory.CreateDirectory(Path.GetDirectoryName full) |> ignore
    full

/// What `plot ... to "FILE"` writes, by extension: .html/.htm (interactive, plotly.js inline) or .svg (static).
let plotExtensions = [ ".html"; ".htm"; ".svg" ]

/// What `export "FILE"` writes, by extension (ResultExport's formats).
let exportExtensions = [ ".csv"; ".json"; ".parquet" ]

/// Why a `plot` (what = "write a plot") or an `export` (what = "export") cannot write FILE in a format of `extensions`,
/// or None: the error before anything is written, and the pre-flight's before anything runs.
let formatProblem (what: string) (extensions: string list) (file: string) =
    let extension = Path.GetExtension(file).ToLowerInvariant()
    if List.contains extension extensions then None
    else
        let found = if extension = "" then "the name has no extension" else $"'{extension}' is not a format lem writes"
        let known =
            match List.rev extensions with
            | last :: (_ :: _ as others) -> String.concat ", " (List.rev others) + " or " + last
            | _ -> String.concat ", " extensions
        Some $"cannot {what} to '{file}': {found}. Remedy: use a file name ending in {known}."

/// Writes a figure by the file's extension (plotExtensions). Returns the path.
let writeFigure (figure: Figure) (outFile: string) =
    formatProblem "write a plot" plotExtensions outFile |> Option.iter (fun message -> raise (AnalysisException message))
    let full = prepareOutput outFile
    match Path.GetExtension(full).ToLowerInvariant() with
    | ".svg" -> Svg.write full figure
    | _ -> File.WriteAllText(full, Charts.page figure.Title [ Charts.ofFigure figure ])
    full

/// `plot Y vs X [by P] to "FILE"`: writes the figure (.html or .svg by extension) and returns its full path.
let plot (frame: Frame<string, string>) (y: string) (x: string) (by: string option) (outFile: string) =
    writeFigure (figure frame y x by) outFile

/// Points of a Pareto analysis: one per group (by default per experiment: the mean over its cycles).
type ParetoPoint =
    { Label: string
      Values: Cell list
      Runs: string list
      /// Mean of each objective, in objective order.
      Means: float list }

type ParetoResult =
    { Objectives: (string * Goal) list
      By: string list
      Points: ParetoPoint list
      /// The points no other point dominates, in point order.
      Front: ParetoPoint list
      /// Groups left out because an objective has no value there.
      Excluded: string list }

/// The Pareto analysis of groups (empty `by`: per experiment) on the mean of each objective.
let paretoBy (frame: Frame<string, string>) (by: string list) (objectives: (string * Goal) list) : ParetoResult =
    if objectives.Length < 2 then
        raise (AnalysisException "a Pareto front needs at least two objectives, for example: minimize energy_per_output_token_j, maximize output_tokens_per_s.")
    let metrics = objectives |> List.map fst
    let groups = Summary.groups frame by metrics
    let withMeans =
        groups
        |> List.map (fun g -> g, g.Metrics |> List.map (fun m -> m.Statistics |> Option.map (fun s -> s.Mean)))
    let points =
        withMeans
        |> List.choose (fun (g, means) ->
            if means |> List.forall Option.isSome then
                Some { Label = g.Label; Values = g.Values; Runs = g.Runs; Means = List.choose id means }
            else None)
    let excluded = withMeans |> List.filter (fun (_, means) -> means |> List.exists Option.isNone) |> List.map (fun (g, _) -> g.Label)
    let front = Pareto.front (List.map snd objectives) (points |> List.map (fun p -> List.toArray p.Means))
    { Objectives = objectives
      By = (List.head groups).By
      Points = points
      Front = front |> List.map (fun i -> points[i])
      Excluded = excluded }

/// `pareto minimize A, maximize B`: the experiments on the front (mean over cycles of each objective), as a frame
/// keyed by experiment: the grouping column, runs, and each objective's mean.
let pareto (frame: Frame<string, string>) (objectives: (string * Goal) list) : Frame<string, string> =
    let result = paretoBy frame [] objectives
    let keys = result.Front |> List.map (fun p -> p.Label)
    let byColumns =
        result.By
        |> List.mapi (fun i name -> FrameBuild.TextColumn(name, result.Front |> List.map (fun p -> match p.Values[i] with Cell.Missing -> None | c -> Some c.Label)))
    let runs = FrameBuild.NumberColumn("runs", result.Front |> List.map (fun p -> Some(float p.Runs.Length)))
    let means =
        objectives |> List.mapi (fun i (metric, _) -> FrameBuild.NumberColumn($"{metric}_mean", result.Front |> List.map (fun p -> Some p.Means[i])))
    FrameBuild.build keys (byColumns @ [ runs ] @ means)

/// A two-objective Pareto result as a figure: every group, and the front joined in order of the first objective.
let paretoFigure (result: ParetoResult) : Figure =
    match result.Objectives with
    | [ (xMetric, xGoal); (yMetric, yGoal) ] ->
        let point (p: ParetoPoint) = p.Means[0], p.Means[1]
        let word = function Minimize -> "minimise" | Maximize -> "maximise"
        let front = result.Front |> List.sortBy (fun p -> p.Means[0])
        Figure.create
            $"Pareto front: {word xGoal} {xMetric}, {word yGoal} {yMetric}"
            $"{xMetric} (mean)"
            $"{yMetric} (mean)"
            [ { Figure.series "all" (result.Points |> List.map point) with Lines = false; Labels = result.Points |> List.map (fun p -> p.Label) }
              { Figure.series "Pareto front" (front |> List.map point) with Labels = front |> List.map (fun p -> p.Label) } ]
    | _ -> raise (AnalysisException $"a Pareto figure shows two objectives; {result.Objectives.Length} were given.")

/// `pareto ...` as text (the front, one line per group with each objective's mean) and as a frame (see pareto).
let paretoTable (frame: Frame<string, string>) (objectives: (string * Goal) list) : string * Frame<string, string> =
    let result = paretoBy frame [] objectives
    let word = function Minimize -> "minimise" | Maximize -> "maximise"
    let header = [ "on the Pareto front"; "runs" ] @ (objectives |> List.map (fun (m, g) -> $"{m} mean ({word g})"))
    let rows = result.Front |> List.map (fun p -> [ p.Label; string p.Runs.Length ] @ (p.Means |> List.map Format.number))
    let excluded =
        if result.Excluded.IsEmpty then ""
        else "left out (an objective has no value): " + String.concat ", " result.Excluded + "\n"
    TextTable.render header rows + excluded, pareto frame objectives

/// Writes aggregated records with the engine's exporters: CSV, JSON or Parquet by the file's extension.
/// Returns the full path.
let exportRecords (records: Lem.Engine.Results.Schema.AggregatedRecord list) (file: string) =
    match ResultExport.FormatOfPath file |> Option.ofNullable with
    | None -> raise (AnalysisException(formatProblem "export" exportExtensions file |> Option.defaultValue $"cannot export to '{file}'."))
    | Some format ->
        let full = prepareOutput file
        try
            ResultExport.Write(format, full, records)
        with :? Lem.Engine.Results.ResultsException as e ->
            raise (AnalysisException(e.Message, e))
        full

/// `export "FILE"`: the complete runs of the results folder (see exportRecords). Returns the full path.
let export (resultsFolder: string) (file: string) = exportRecords (Results.records resultsFolder) file
