/// Interactive charts (Plotly.NET): figures, grouped or stacked bars, and HTML fragments/pages that carry
/// plotly.js inline.
module Lem.Analysis.Charts

open System
open Plotly.NET
open Plotly.NET.LayoutObjects
open Plotly.NET.TraceObjects

// The explicit template keeps charts plain (white, framed axes) and makes them quick to write: Plotly.NET's default
// template costs about two seconds per chart to serialise.
let private styled (title: string) (xLabel: string) (yLabel: string) (width: int) (height: int) chart =
    chart
    |> Chart.withTemplate ChartTemplates.lightMirrored
    |> Chart.withTitle title
    |> Chart.withXAxisStyle (TitleText = xLabel)
    |> Chart.withYAxisStyle (TitleText = yLabel)
    |> Chart.withSize (width, height)

/// A line/scatter figure as a plotly chart: intervals become asymmetric error bars; a categorical x axis shows
/// its labels.
let ofFigure (figure: Lem.Analysis.Figure) : GenericChart =
    let xValue (x: float) : IConvertible =
        if List.isEmpty figure.XCategories then x :> IConvertible
        else figure.XCategories[int (Math.Round x)] :> IConvertible
    figure.Series
    |> List.mapi (fun i s ->
        let colour = Color.fromString Lem.Analysis.Figure.palette[i % Lem.Analysis.Figure.palette.Length]
        let xs = s.Points |> List.map (fst >> xValue)
        let ys = s.Points |> List.map snd
        let mode = if s.Lines then StyleParam.Mode.Lines_Markers else StyleParam.Mode.Markers
        let trace =
            if List.isEmpty s.Labels then
                Chart.Scatter(x = xs, y = ys, mode = mode, Name = s.Name, MarkerColor = colour, LineColor = colour)
            else
                Chart.Scatter(x = xs, y = ys, mode = mode, Name = s.Name, MarkerColor = colour, LineColor = colour, MultiText = s.Labels)
        if List.isEmpty s.Intervals then trace
        else
            let above = List.map2 (fun (_, y) i -> match i with Some(_, high) -> high - y | None -> nan) s.Points s.Intervals
            let below = List.map2 (fun (_, y) i -> match i with Some(low, _) -> y - low | None -> nan) s.Points s.Intervals
            trace |> Chart.withYError (Error.init (Symmetric = false, Array = above, Arrayminus = below, Color = colour)))
    |> Chart.combine
    |> styled figure.Title figure.XLabel figure.YLabel figure.Width figure.Height

/// Bars per category, one trace per group; `stacked` piles the groups on each other (parts of a whole),
/// otherwise they stand side by side. A missing value (None) draws no bar.
let bars (title: string) (xLabel: string) (yLabel: string) (categories: string list) (groups: (string * float option list) list) (stacked: bool) : GenericChart =
    groups
    |> List.mapi (fun i (name, values) ->
        if values.Length <> categories.Length then
            invalidArg "groups" $"group '{name}' has {values.Length} values for {categories.Length} categories"
        let colour = Color.fromString Lem.Analysis.Figure.palette[i % Lem.Analysis.Figure.palette.Length]
        let present = List.zip categories values |> List.choose (fun (c, v) -> v |> Option.map (fun v -> c, v))
        Chart.Column(values = List.map snd present, Keys = List.map fst present, Name = name, MarkerColor = colour))
    |> Chart.combine
    // Room below the axis for long category names (sweep members are named after their parameters).
    |> Chart.withLayout (Layout.init (BarMode = (if stacked then StyleParam.BarMode.Stack else StyleParam.BarMode.Group), Margin = Margin.init (Bottom = 220)))
    |> styled title xLabel yLabel 1000 620

/// The chart as an HTML fragment (a div and the script that draws into it); plotly.js must be on the page.
/// Text in the chart (titles, names, labels) travels inside the script as JSON strings; "</" is written "<\/"
/// there (the same string in JavaScript), so that no label can end the script element early.
let fragment (chart: GenericChart) =
    let html = GenericChart.toChartHTML chart
    let opening = html.IndexOf("<script", StringComparison.Ordinal)
    let closing = html.LastIndexOf("</script>", StringComparison.Ordinal)
    if opening < 0 || closing < opening then html
    else
        let bodyStart = html.IndexOf('>', opening) + 1
        html.Substring(0, bodyStart) + html.Substring(bodyStart, closing - bodyStart).Replace("</", "<\\/") + html.Substring closing

/// A complete HTML page with plotly.js inline: it opens without network access.
let page (title: string) (charts: GenericChart list) =
    let body = charts |> List.map fragment |> String.concat "\n"
    $"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{Format.escape title}</title>
{PlotlyJs.scriptElement ()}
</head>
<body>
{body}
</body>
</html>
"""
