/// plotly.js as shipped inside the Plotly.NET package (an embedded resource of Plotly.NET.dll), inlined into
/// reports so that they open without network access.
module Lem.Analysis.PlotlyJs

open System.IO
open System.Text.RegularExpressions

let private resourcePrefix = "Plotly.NET.plotly-"
let private resourceSuffix = ".min.js"

let private resource =
    lazy
        (let assembly = typeof<Plotly.NET.GenericChart>.Assembly
         match assembly.GetManifestResourceNames() |> Array.tryFind (fun n -> n.StartsWith resourcePrefix && n.EndsWith resourceSuffix) with
         | None -> failwith "plotly.js is not embedded in this Plotly.NET assembly; the report cannot be made self-contained. Pin the Plotly.NET version in Directory.Packages.props that ships it (6.0.0)."
         | Some name ->
             use stream = assembly.GetManifestResourceStream name
             use reader = new StreamReader(stream)
             name, reader.ReadToEnd())

/// The plotly.js version that is inlined, for example "2.28.0".
let version () =
    let name, _ = resource.Force()
    name.Substring(resourcePrefix.Length, name.Length - resourcePrefix.Length - resourceSuffix.Length)

/// The minified plotly.js source.
let source () = snd (resource.Force())

/// A script element holding plotly.js. Only "</script" could end the element early; it is written "<\/script",
/// which JavaScript reads the same inside strings (plotly.js 2.28.0 holds none).
let scriptElement () =
    let text = Regex.Replace(source (), "</(script)", "<\\/$1", RegexOptions.IgnoreCase)
    "<script type=\"text/javascript\">" + text + "</script>"
