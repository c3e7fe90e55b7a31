/// `lem report RESULTS [--out DIR]`: a self-contained HTML report (plotly.js inlined, opens offline).
module Lem.Cli.Commands.ReportCommand

open System.IO
open Argu
open Lem.Cli.Arguments
open Lem.Cli.UserError

let run (args: ParseResults<ReportArgs>) =
    let folder = args.GetResult ReportArgs.Folder
    if not (Directory.Exists folder) then
        fail (sprintf "results folder '%s' does not exist. Remedy: give the folder that lem run wrote (results.dir, default ./results)." folder)
    let out = args.GetResult(ReportArgs.Out, defaultValue = Lem.Analysis.Report.defaultOutFolder folder)
    let index = Lem.Analysis.Report.write (folder, out)
    printfn "report: %s" index
    0
