/// The results report: one self-contained HTML page (plotly.js inline, no network needed) plus static SVG figures.
module Lem.Analysis.Report

open System
open System.Globalization
open System.IO
open System.Text
open Deedle
open Lem.Engine.Meters
open Lem.Engine.Results.Aggregation
open Lem.Engine.Results.Schema
open Lem.Engine.Results.Store
open Lem.Engine.Results.Validity

let private energyPerToken = MetricNames.EnergyPerOutputTokenJ
let private throughput = MetricNames.OutputTokensPerS

/// Metrics of the summary table, those that some run has.
let private summaryMetrics =
    [ MetricNames.EnergyPerOutputTokenJ; MetricNames.OutputTokensPerS; MetricNames.EnergyTotalJ
      MetricNames.AvgPowerW; MetricNames.Latency(LatencyNames.Ttft, "p50"); MetricNames.Latency(LatencyNames.Itl, "p50") ]

/// One part of the page: its title, its HTML, the interactive charts it holds, the SVG files it wrote.
type private Section = { Title: string; Html: string; Charts: int; Figures: string list }

let private esc = Format.escape
let private p (text: string) = $"<p>{esc text}</p>"

let private hasValues (frame: Frame<string, string>) (metric: string) =
    Columns.names frame |> List.contains metric
    && Columns.numbers frame "metric" metric |> List.exists (snd >> Option.isSome)

let private htmlTable (header: string list) (rows: string list list) =
    let cell tag (text: string) = $"<{tag}>{text}</{tag}>"
    let head = header |> List.map (esc >> cell "th") |> String.concat ""
    let body = rows |> List.map (fun r -> "<tr>" + (r |> List.map (cell "td") |> String.concat "") + "</tr>") |> String.concat "\n"
    $"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"

let private chart (c: Plotly.NET.GenericChart) = "<div class=\"chart\">" + Charts.fragment c + "</div>"

/// Writes the figure as figures/NAME under the report folder; returns the link to it and its path.
let private svgLink (outFolder: string) (name: string) (figure: Figure) =
    let figures = Path.Combine(outFolder, "figures")
    Directory.CreateDirectory figures |> ignore
    let path = Path.Combine(figures, name)
    Svg.write path figure
    $"<p class=\"static\">Static figure for papers: <a href=\"figures/{esc name}\">figures/{esc name}</a></p>", path

let private fileSafe (name: string) =
    String(name |> Seq.map (fun c -> if Char.IsAsciiLetterOrDigit c || c = '_' || c = '-' || c = '.' then c else '-') |> Seq.toArray)

let private overview (folder: string) (entries: RunEntry list) (records: AggregatedRecord list) =
    let unreadable = entries |> List.filter (fun e -> not (isNull e.Problem))
    let experiments = records |> List.map (fun r -> r.Experiment) |> List.distinct
    let tools = records |> List.map (fun r -> r.ToolVersion) |> List.distinct |> String.concat ", "
    let now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
    let leftOut = Results.leftOut entries |> Option.defaultValue ("Nothing left out; rule: " + Supersession.Rule + ".")
    let lines =
        [ $"Results folder: {Path.GetFullPath folder}"
          $"{records.Length} run(s) of {experiments.Length} experiment(s) counted. {leftOut}"
          $"Tool version(s): {tools}. Report written {now} UTC with plotly.js {PlotlyJs.version ()} inline (opens offline)." ]
    let problems =
        if unreadable.IsEmpty then ""
        else "<ul class=\"problems\">" + (unreadable |> List.map (fun e -> $"<li>{esc e.RunId}: {esc e.Problem}</li>") |> String.concat "") + "</ul>"
    let workload =
        match WorkloadConsistency.Problems records |> List.ofSeq with
        | [] -> ""
        | problems -> "<ul class=\"problems\">" + (problems |> List.map (fun x -> $"<li>{esc x}</li>") |> String.concat "") + "</ul>"
    { Title = "Overview"; Html = (lines |> List.map p |> String.concat "\n") + problems + workload; Charts = 0; Figures = [] }

/// The validity verdict of every run, first in the report: status, then the checks that did not pass.
let private validitySection (records: AggregatedRecord list) =
    let title = "Validity"
    let rows =
        records
        |> List.sortBy (fun r -> r.RunId)
        |> List.map (fun r ->
            match Option.ofObj r.Validity with
            | None -> [ esc r.RunId; esc r.Experiment; "not judged"; "the record was written before verdicts existed" ]
            | Some v ->
                let problems =
                    v.Checks
                    |> Seq.filter (fun c -> c.Status <> ValidityStatus.Pass)
                    |> Seq.map (fun c -> $"<b>{esc (ValidityVerdict.Text c.Status)}</b> {esc c.Name}: {esc c.Detail}")
                    |> String.concat "<br>"
                [ esc r.RunId; esc r.Experiment; $"<b>{esc (ValidityVerdict.Text v.Status)}</b>"; (if problems = "" then "every check passed" else problems) ])
    let counts =
        records
        |> List.countBy (fun r -> match Option.ofObj r.Validity with Some v -> ValidityVerdict.Text v.Status | None -> "not judged")
        |> List.map (fun (k, n) -> $"{n} {k}")
        |> String.concat ", "
    { Title = title
      Html = p $"Each run's checks (docs/methodology.md, \"Validity verdict\"): {counts}." + htmlTable [ "run"; "experiment"; "verdict"; "checks that did not pass" ] rows
      Charts = 0
      Figures = [] }

let private summarySection (frame: Frame<string, string>) =
    let metrics = summaryMetrics |> List.filter (hasValues frame)
    if metrics.IsEmpty then
        { Title = "Summary per experiment"; Html = p "No run has any of the summary metrics."; Charts = 0; Figures = [] }
    else
        let groups = Summary.groups frame [ "experiment" ] metrics
        let interval (ci: Lem.Engine.Metrics.ConfidenceInterval) =
            if isNull ci then "" else $"[{Format.number ci.Lower}, {Format.number ci.Upper}]"
        let rows =
            [ for g in groups do
                  for m in g.Metrics ->
                      let s = m.Statistics
                      [ esc g.Label
                        esc m.Metric
                        string m.Values.Length
                        s |> Option.map (fun s -> Format.number s.Mean) |> Option.defaultValue Format.Missing
                        s |> Option.bind (fun s -> Option.ofNullable s.Std) |> Option.map Format.number |> Option.defaultValue ""
                        s |> Option.bind (fun s -> Option.ofNullable s.Cv) |> Option.map (fun cv -> Format.number (cv * 100.0) + "%") |> Option.defaultValue ""
                        s |> Option.map (fun s -> interval s.StudentT) |> Option.defaultValue ""
                        s |> Option.map (fun s -> interval s.Bootstrap) |> Option.defaultValue ""
                        s |> Option.bind (fun s -> Option.ofNullable s.Median) |> Option.map Format.number |> Option.defaultValue ""
                        s |> Option.bind (fun s -> Option.ofNullable s.P5) |> Option.map Format.number |> Option.defaultValue ""
                        s |> Option.bind (fun s -> Option.ofNullable s.P95) |> Option.map Format.number |> Option.defaultValue ""
                        m.Note |> Option.map esc |> Option.defaultValue "" ] ]
        let html =
            p "Statistics across the cycles of each experiment: mean, sample standard deviation, coefficient of variation, 95% confidence intervals of the mean (Student t; bootstrap percentile with a fixed seed), and the median, p5 and p95 of the values. Fewer than two values: no interval, as the note says."
            + htmlTable [ "experiment"; "metric"; "n"; "mean"; "std"; "CV"; "95% CI (t)"; "95% CI (bootstrap)"; "median"; "p5"; "p95"; "note" ] rows
        { Title = "Summary per experiment"; Html = html; Charts = 0; Figures = [] }

let private sweepSection (frame: Frame<string, string>) (outFolder: string) =
    let title = $"Energy per output token against each swept parameter"
    let swept = Results.sweptParameters frame
    if not (hasValues frame energyPerToken) then
        { Title = title; Html = p $"No run has {energyPerToken} (no energy figure was available)."; Charts = 0; Figures = [] }
    elif swept.IsEmpty then
        { Title = title; Html = p "No parameter varies across the runs, so there is nothing to plot against."; Charts = 0; Figures = [] }
    else
        let parts =
            swept
            |> List.map (fun x ->
                let by = swept |> List.tryFind ((<>) x)
                let figure = Analysis.figure frame energyPerToken x by
                let link, path = svgLink outFolder $"{energyPerToken}-vs-{fileSafe x}.svg" figure
                chart (Charts.ofFigure figure) + link, path)
        let note =
            p "Each point is the mean over the runs at that value (all cycles); bars are Student-t 95% intervals where a point has two runs or more. With more than two swept parameters, runs that differ in the others are pooled."
        { Title = title; Html = note + (parts |> List.map fst |> String.concat "\n"); Charts = parts.Length; Figures = List.map snd parts }

let private paretoSection (frame: Frame<string, string>) (outFolder: string) =
    let title = "Throughput and energy: Pareto front"
    if not (hasValues frame energyPerToken && hasValues frame throughput) then
        { Title = title; Html = p $"The Pareto front needs both {energyPerToken} and {throughput}; some runs lack them."; Charts = 0; Figures = [] }
    else
        let result = Analysis.paretoBy frame [] [ energyPerToken, Minimize; throughput, Maximize ]
        let figure = Analysis.paretoFigure result
        let rows =
            result.Front
            |> List.map (fun pt -> [ esc pt.Label; string pt.Runs.Length; Format.number pt.Means[0]; Format.number pt.Means[1] ])
        let excluded =
            if result.Excluded.IsEmpty then ""
            else p ("Left out (an objective has no value): " + String.concat ", " result.Excluded)
        let link, path = svgLink outFolder "pareto.svg" figure
        let html =
            p $"Each point is an experiment (mean over its cycles): minimise {energyPerToken}, maximise {throughput}. The joined points are the experiments no other beats in both."
            + chart (Charts.ofFigure figure)
            + link
            + htmlTable [ "on the front"; "runs"; $"{energyPerToken} (mean)"; $"{throughput} (mean)" ] rows
            + excluded
        { Title = title; Html = html; Charts = 1; Figures = [ path ] }

let private latencySection (frame: Frame<string, string>) =
    let title = "Latency percentiles"
    let experiments = Columns.groupBy frame [ "experiment" ]
    let charts =
        [ LatencyNames.Ttft; LatencyNames.Itl; LatencyNames.Tpot ]
        |> List.choose (fun latency ->
            let columns = [ "p50"; "p90"; "p99" ] |> List.map (fun s -> s, MetricNames.Latency(latency, s))
            if columns |> List.exists (snd >> hasValues frame) then
                let groups =
                    columns
                    |> List.map (fun (stat, column) ->
                        let byRun = Columns.numbers frame "metric" column |> Map.ofList
                        stat,
                        experiments
                        |> List.map (fun (_, runs) ->
                            match runs |> List.choose (fun r -> byRun[r]) with
                            | [] -> None
                            | values -> Some(List.average values)))
                let categories = experiments |> List.map (fun (values, _) -> values.Head.Label)
                Some(Charts.bars $"{latency.ToUpperInvariant()} percentiles (mean over cycles)" "experiment" "ms" categories groups false)
            else None)
    if charts.IsEmpty then { Title = title; Html = p "No run has latency percentiles."; Charts = 0; Figures = [] }
    else
        { Title = title
          Html = p "p50, p90 and p99 of each latency per experiment (the mean of the runs' percentiles over the cycles); definitions in docs/metrics.md." + (charts |> List.map chart |> String.concat "\n")
          Charts = charts.Length
          Figures = [] }

let private timeSeriesSection (folder: string) (records: AggregatedRecord list) =
    let title = "Power and temperature over a run"
    let found =
        records
        |> List.sortBy (fun r -> r.RunId)
        |> List.tryPick (fun r ->
            match Results.timeSeries folder r with
            | [] -> None
            | series -> Some(r, series))
    match found with
    | None -> { Title = title; Html = p "No run has a time series (none was sampled, or no meter with samples was active)."; Charts = 0; Figures = [] }
    | Some(record, workers) ->
        let multipleWorkers = workers.Length > 1
        let figureOf (suffix: string) (unitLabel: string) (what: string) =
            let series =
                [ for worker, points in workers do
                      for name, ps in points |> List.filter (fun q -> q.Series.EndsWith suffix) |> List.groupBy (fun q -> q.Series) ->
                          let label = if multipleWorkers then $"worker{worker}/{name}" else name
                          { Figure.series label (ps |> List.map (fun q -> q.TimeS, q.Value)) with Lines = true } ]
            if series.IsEmpty then None
            else Some({ Figure.create $"{what}: run {record.RunId}" "t (s since the window began)" unitLabel series with Width = 1000 })
        let figures = [ figureOf "_power_w" "W" "Power"; figureOf "_temperature_c" "°C" "Temperature" ] |> List.choose id
        let intro = p $"Run {record.RunId} ({record.Experiment}, cycle {record.Cycle}): the first run with a time series."
        if figures.IsEmpty then
            { Title = title; Html = intro + p "Its time series holds no power (…_power_w) or temperature (…_temperature_c) series."; Charts = 0; Figures = [] }
        else
            let body = figures |> List.map (Charts.ofFigure >> chart) |> String.concat "\n"
            { Title = title; Html = intro + body; Charts = figures.Length; Figures = [] }

let private runLabel (r: AggregatedRecord) = $"{r.Experiment} #{r.Cycle}"

let private breakdownSection (records: AggregatedRecord list) =
    let title = "Energy per component (GPUs, CPU, RAM)"
    let components = records |> List.collect (fun r -> r.Energy |> Seq.map (fun e -> e.Component) |> List.ofSeq) |> List.distinct
    let measured = records |> List.exists (fun r -> r.Energy |> Seq.exists (fun e -> e.EnergyJ.HasValue))
    if components.IsEmpty then { Title = title; Html = p "No run recorded an energy figure."; Charts = 0; Figures = [] }
    elif not measured then
        { Title = title; Html = p ("Every energy figure is unavailable (" + String.concat ", " components + "); nothing to draw."); Charts = 0; Figures = [] }
    else
        let sorted = records |> List.sortBy (fun r -> r.Experiment, r.Cycle, r.RunId)
        // Labels must be unique categories: add the run id when an experiment and cycle repeat.
        let labels =
            let counts = sorted |> List.countBy runLabel |> Map.ofList
            sorted |> List.map (fun r -> if counts[runLabel r] > 1 then $"{runLabel r} ({r.RunId})" else runLabel r)
        let groups =
            components
            |> List.map (fun c ->
                c,
                sorted
                |> List.map (fun r ->
                    r.Energy |> Seq.tryFind (fun e -> e.Component = c) |> Option.bind (fun e -> Option.ofNullable e.EnergyJ)))
        let unavailable =
            [ for r in sorted do
                  for e in r.Energy do
                      if not e.EnergyJ.HasValue then $"{runLabel r}: {e.Component}" ]
        let html =
            p "Energy of each component over the measurement window, stacked per run. Components are disjoint: the stack is the run's total."
            + chart (Charts.bars "Energy per component" "run" "J" labels groups true)
            + (if unavailable.IsEmpty then "" else p ("Unavailable (not drawn, never counted as 0 J): " + String.concat ", " unavailable))
        { Title = title; Html = html; Charts = 1; Figures = [] }

let private runsSection (records: AggregatedRecord list) (entries: RunEntry list) =
    let metric (r: AggregatedRecord) name =
        match r.Metrics.TryGetValue name with
        | true, v -> Format.number v
        | _ -> Format.Missing
    let sources (r: AggregatedRecord) =
        r.Energy
        |> Seq.map (fun e ->
            let value = if e.EnergyJ.HasValue then Format.number e.EnergyJ.Value + " J" else "unavailable"
            let low = if e.LowConfidence then ", low confidence" else ""
            "<span class=\"line\">" + esc $"{e.Component}: {value} ({EnergySourceText.Of e}{low}, {e.Method})" + "</span>")
        |> String.concat "<br>"
    let warnings (r: AggregatedRecord) =
        if r.Warnings.Count = 0 then "none"
        else
            r.Warnings
            |> Seq.map (fun w -> $"<b>{esc w.Code}</b>: {esc w.Message}" + (if isNull w.Remedy then "" else $" <i>{esc w.Remedy}</i>"))
            |> String.concat "<br>"
    let rows =
        records
        |> List.sortBy (fun r -> r.RunId)
        |> List.map (fun r ->
            [ esc r.RunId; esc r.Experiment; string r.Cycle
              metric r energyPerToken; metric r throughput; metric r MetricNames.EnergyTotalJ
              sources r; warnings r ])
    let skipped =
        entries
        |> List.filter (fun e -> e.Status <> RunStatus.Complete)
        |> List.map (fun e -> esc e.RunId)
    let superseded = (Results.selection entries).Superseded |> Seq.map (fun (struct (run: AggregatedRecord, by: string)) -> $"{esc run.RunId} (by {esc by})") |> List.ofSeq
    let html =
        htmlTable [ "run"; "experiment"; "cycle"; energyPerToken; throughput; MetricNames.EnergyTotalJ; "energy sources"; "warnings" ] rows
        + (if skipped.IsEmpty then "" else p ("Incomplete (left out everywhere): " + String.concat ", " skipped))
        + (if superseded.IsEmpty then "" else p ("Superseded (left out everywhere): " + String.concat ", " superseded))
    { Title = "Runs"; Html = html; Charts = 0; Figures = [] }

let private style =
    """<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.static { font-size: 12px; color: #555; }
.line { white-space: nowrap; }
#lem-script-errors-box { background: #fee; border: 1px solid #c00; padding: 8px; }
</style>"""

// Records script errors on the page itself, so that a chart that fails to draw says so instead of leaving a gap.
let private errorRecorder =
    """<script>
window.lemScriptErrors = [];
function lemShowScriptErrors() {
  var list = document.getElementById('lem-script-errors');
  if (!list || window.lemScriptErrors.length === 0) return;
  list.textContent = '';
  window.lemScriptErrors.forEach(function (m) { var li = document.createElement('li'); li.textContent = m; list.appendChild(li); });
  document.getElementById('lem-script-errors-box').hidden = false;
}
window.addEventListener('error', function (e) {
  window.lemScriptErrors.push((e.message || 'script error') + ' (' + (e.filename || '') + ':' + (e.lineno || '') + ')');
  lemShowScriptErrors();
});
window.addEventListener('DOMContentLoaded', lemShowScriptErrors);
</script>"""

/// The page and the number of interactive charts on it.
let private render (title: string) (sections: Section list) =
    let html = StringBuilder()
    let add (s: string) = html.Append(s).Append('\n') |> ignore
    add "<!DOCTYPE html>"
    add "<html lang=\"en\">"
    add "<head>"
    add "<meta charset=\"utf-8\">"
    add $"<title>{esc title}</title>"
    add errorRecorder
    add style
    add (PlotlyJs.scriptElement ())
    add "</head>"
    add "<body>"
    add $"<h1>{esc title}</h1>"
    add "<div id=\"lem-script-errors-box\" hidden><b>A chart failed to draw:</b><ul id=\"lem-script-errors\"></ul></div>"
    let toc = sections |> List.mapi (fun i s -> $"<li><a href=\"#s{i + 1}\">{esc s.Title}</a></li>") |> String.concat ""
    add $"<ul class=\"toc\">{toc}</ul>"
    sections |> List.iteri (fun i s -> add $"<section id=\"s{i + 1}\">\n<h2>{esc s.Title}</h2>\n{s.Html}\n</section>")
    add "</body>"
    add "</html>"
    html.ToString(), sections |> List.sumBy (fun s -> s.Charts)

/// What a report holds: the page's path and the number of interactive charts on it (tests and the CLI say it).
type Written = { IndexHtml: string; Charts: int; Figures: string list }

/// Writes the report of a results folder into outFolder (created): index.html (self-contained) and figures/*.svg.
let writeReport (resultsFolder: string) (outFolder: string) : Written =
    let entries = Results.runs resultsFolder
    let records = Results.recordsOf resultsFolder entries
    let frame = Results.ofRecords records
    let out = Path.GetFullPath outFolder
    Directory.CreateDirectory out |> ignore
    let sections =
        [ validitySection records
          overview resultsFolder entries records
          summarySection frame
          sweepSection frame out
          paretoSection frame out
          latencySection frame
          timeSeriesSection resultsFolder records
          breakdownSection records
          runsSection records entries ]
    let html, charts = render "LLenergyMeasure results" sections
    let index = Path.Combine(out, "index.html")
    File.WriteAllText(index, html)
    { IndexHtml = index; Charts = charts; Figures = sections |> List.collect (fun s -> s.Figures) }

/// Where `lem report RESULTS` writes without --out: RESULTS/report (the results store ignores folders that are not run ids).
let defaultOutFolder (resultsFolder: string) = Path.Combine(resultsFolder, "report")

/// `lem report RESULTS --out DIR`: writes the report and returns the path of index.html.
let write (resultsFolder: string, outFolder: string) : string = (writeReport resultsFolder outFolder).IndexHtml
