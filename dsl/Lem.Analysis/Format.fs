/// Invariant text for numbers and escaping for HTML/SVG: one place, so every table and figure agrees.
module Lem.Analysis.Format

open System
open System.Globalization

/// What a missing value prints as (same as the engine's CSV export).
[<Literal>]
let Missing = "NA"

/// A number in short, invariant form: up to 4 significant decimals, scientific for very large or small values.
let number (value: float) =
    if Double.IsNaN value || Double.IsInfinity value then Missing
    elif value <> 0.0 && (abs value >= 1e6 || abs value < 1e-3) then value.ToString("0.###e+0", CultureInfo.InvariantCulture)
    else value.ToString("0.####", CultureInfo.InvariantCulture)

let numberOption (value: float option) = value |> Option.map number |> Option.defaultValue Missing

/// Shortest text that reads back to the same double.
let roundTrip (value: float) = value.ToString("R", CultureInfo.InvariantCulture)

/// Escapes text for HTML and XML (element content and quoted attributes).
let escape (text: string) =
    text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;")
