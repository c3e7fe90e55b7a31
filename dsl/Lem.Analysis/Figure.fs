namespace Lem.Analysis

/// One series of a line/scatter figure: points, optional (low, high) interval per point, joined by a line or not.
type FigureSeries =
    { Name: string
      Points: (float * float) list
      /// Empty, or one entry per point: Some (low, high) draws a vertical error bar.
      Intervals: (float * float) option list
      /// Empty, or one label per point (shown when the pointer rests on it).
      Labels: string list
      Lines: bool }

/// A line/scatter figure, drawn either interactively (Charts, plotly.js) or as a static SVG (Svg).
type Figure =
    { Title: string
      XLabel: string
      YLabel: string
      Series: FigureSeries list
      /// Labels of a categorical x axis, placed at x = 0, 1, 2...; empty for a numeric x axis.
      XCategories: string list
      Width: int
      Height: int }

module Figure =
    /// Colours of series, in order (both renderings use them, so a figure looks the same in both).
    let palette = [| "#1f77b4"; "#d62728"; "#2ca02c"; "#ff7f0e"; "#9467bd"; "#8c564b"; "#e377c2"; "#7f7f7f"; "#bcbd22"; "#17becf" |]

    let series name points =
        { Name = name; Points = points; Intervals = []; Labels = []; Lines = true }

    let create title xLabel yLabel series =
        { Title = title; XLabel = xLabel; YLabel = yLabel; Series = series; XCategories = []; Width = 760; Height = 460 }
