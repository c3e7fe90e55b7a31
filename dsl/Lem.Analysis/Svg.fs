namespace Lem.Analysis

open System
open System.IO
open System.Text

/// A small SVG writer for figures in papers: no browser and no script needed to produce or view them.
module Svg =

    let private marginLeft = 80.0
    let private marginRight = 170.0
    let private marginTop = 44.0
    let private marginBottom = 64.0

    let private palette = Figure.palette

    /// Tick positions 1, 2 or 5 × 10^k apart covering [low, high] with about `count` steps.
    let niceTicks (low: float) (high: float) (count: int) =
        if not (high > low) then [ low ]
        else
            let rough = (high - low) / float (max 1 count)
            let magnitude = Math.Pow(10.0, Math.Floor(Math.Log10 rough))
            let step =
                [ 1.0; 2.0; 5.0; 10.0 ] |> List.map (fun m -> m * magnitude) |> List.find (fun s -> s >= rough)
            let first = Math.Ceiling(low / step - 1e-9) * step
            [ for i in 0 .. int (Math.Floor((high - first) / step + 1e-9)) -> Math.Round(first + float i * step, 12) ]

    /// The data range shown on an axis: the values' range padded by 5% (a single value gets ±10% or ±1).
    let axisRange (values: float list) =
        match values with
        | [] -> 0.0, 1.0
        | _ ->
            let low, high = List.min values, List.max values
            if high > low then
                let pad = (high - low) * 0.05
                low - pad, high + pad
            else
                let pad = if low = 0.0 then 1.0 else abs low * 0.1
                low - pad, high + pad

    let private f (v: float) = v.ToString("0.##", Globalization.CultureInfo.InvariantCulture)

    /// The plot area in pixels: left, top, right, bottom.
    let plotArea (c: Figure) =
        marginLeft, marginTop, float c.Width - marginRight, float c.Height - marginBottom

    /// The x and y data ranges of a chart (what the axes span).
    let ranges (c: Figure) =
        let points = c.Series |> List.collect (fun s -> s.Points)
        let intervalValues = c.Series |> List.collect (fun s -> s.Intervals |> List.choose id |> List.collect (fun (a, b) -> [ a; b ]))
        let xRange =
            if List.isEmpty c.XCategories then axisRange (points |> List.map fst)
            else -0.5, float c.XCategories.Length - 0.5
        xRange, axisRange ((points |> List.map snd) @ intervalValues)

    let render (c: Figure) =
        for s in c.Series do
            if not (List.isEmpty s.Intervals) && s.Intervals.Length <> s.Points.Length then
                invalidArg "chart" $"series '{s.Name}' has {s.Points.Length} points but {s.Intervals.Length} intervals"
            if not (List.isEmpty s.Labels) && s.Labels.Length <> s.Points.Length then
                invalidArg "chart" $"series '{s.Name}' has {s.Points.Length} points but {s.Labels.Length} labels"
            for x, y in s.Points do
                if not (Double.IsFinite x && Double.IsFinite y) then
                    invalidArg "chart" $"series '{s.Name}' has a point that is not finite ({x}, {y}); leave missing values out"
        let left, top, right, bottom = plotArea c
        let (x0, x1), (y0, y1) = ranges c
        let px x = left + (x - x0) / (x1 - x0) * (right - left)
        let py y = bottom - (y - y0) / (y1 - y0) * (bottom - top)
        let svg = StringBuilder()
        let add (text: string) = svg.Append(text).Append('\n') |> ignore
        add $"""<svg xmlns="http://www.w3.org/2000/svg" width="{c.Width}" height="{c.Height}" viewBox="0 0 {c.Width} {c.Height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"""
        add $"""<rect width="{c.Width}" height="{c.Height}" fill="white"/>"""
        add $"""<text x="{f ((left + right) / 2.0)}" y="24" text-anchor="middle" font-size="15">{Format.escape c.Title}</text>"""
        // grid and ticks
        let xTicks =
            if List.isEmpty c.XCategories then niceTicks x0 x1 6 |> List.map (fun t -> t, Format.number t)
            else c.XCategories |> List.mapi (fun i label -> float i, label)
        for t, label in xTicks do
            let x = px t
            add $"""<line x1="{f x}" y1="{f top}" x2="{f x}" y2="{f bottom}" stroke="#e5e5e5"/>"""
            add $"""<line x1="{f x}" y1="{f bottom}" x2="{f x}" y2="{f (bottom + 5.0)}" stroke="black"/>"""
            add $"""<text x="{f x}" y="{f (bottom + 18.0)}" text-anchor="middle">{Format.escape label}</text>"""
        for t in niceTicks y0 y1 6 do
            let y = py t
            add $"""<line x1="{f left}" y1="{f y}" x2="{f right}" y2="{f y}" stroke="#e5e5e5"/>"""
            add $"""<line x1="{f (left - 5.0)}" y1="{f y}" x2="{f left}" y2="{f y}" stroke="black"/>"""
            add $"""<text x="{f (left - 8.0)}" y="{f (y + 4.0)}" text-anchor="end">{Format.number t}</text>"""
        add $"""<rect x="{f left}" y="{f top}" width="{f (right - left)}" height="{f (bottom - top)}" fill="none" stroke="black"/>"""
        add $"""<text x="{f ((left + right) / 2.0)}" y="{f (float c.Height - 18.0)}" text-anchor="middle">{Format.escape c.XLabel}</text>"""
        add $"""<text x="18" y="{f ((top + bottom) / 2.0)}" text-anchor="middle" transform="rotate(-90 18 {f ((top + bottom) / 2.0)})">{Format.escape c.YLabel}</text>"""
        // series
        c.Series
        |> List.iteri (fun i s ->
            let colour = palette[i % palette.Length]
            add $"""<g class="series" data-name="{Format.escape s.Name}">"""
            if s.Lines && s.Points.Length > 1 then
                let points = s.Points |> List.map (fun (x, y) -> $"{f (px x)},{f (py y)}") |> String.concat " "
                add $"""<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>"""
            if not (List.isEmpty s.Intervals) then
                for (x, _), interval in List.zip s.Points s.Intervals do
                    match interval with
                    | Some(low, high) ->
                        let x = px x
                        add $"""<path class="interval" d="M{f x},{f (py low)}V{f (py high)}M{f (x - 4.0)},{f (py low)}H{f (x + 4.0)}M{f (x - 4.0)},{f (py high)}H{f (x + 4.0)}" stroke="{colour}" fill="none"/>"""
                    | None -> ()
            s.Points
            |> List.iteri (fun j (x, y) ->
                let title = if j < s.Labels.Length then $"<title>{Format.escape s.Labels[j]}</title>" else ""
                add $"""<circle cx="{f (px x)}" cy="{f (py y)}" r="3.5" fill="{colour}">{title}</circle>""")
            add "</g>")
        // legend
        c.Series
        |> List.iteri (fun i s ->
            let y = top + 8.0 + float i * 18.0
            let colour = palette[i % palette.Length]
            add $"""<rect x="{f (right + 14.0)}" y="{f (y - 9.0)}" width="12" height="12" fill="{colour}"/>"""
            add $"""<text x="{f (right + 32.0)}" y="{f (y + 1.0)}">{Format.escape s.Name}</text>""")
        add "</svg>"
        svg.ToString()

    /// Writes the figure to a file (the folder must exist).
    let write (path: string) (c: Figure) = File.WriteAllText(path, render c)
