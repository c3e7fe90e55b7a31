module Lem.Analysis.Tests.ReportTests

open System.IO
open System.Text.RegularExpressions
open Expecto
open Lem.Analysis

/// Charts of the standard fixture: energy per output token against batching.batch_size and precision (2), the Pareto
/// front (1), TTFT, ITL and TPOT percentiles (3), power and temperature of the run with a time series (2), and the
/// energy per component (1).
let private expectedCharts = 9

let tests =
    testList "report" [
        testCase "the report holds every section, the runs' warnings and energy sources, and SVG figures" <| fun () ->
            let folder = Fixture.standardFolder ()
            let written = Report.writeReport folder (Path.Combine(Repo.tempFolder "lem-report", "report"))
            Expect.equal written.Charts expectedCharts "interactive charts"
            let html = File.ReadAllText written.IndexHtml
            for title in [ "Validity"; "Overview"; "Summary per experiment"; "Energy per output token against each swept parameter"; "Pareto front"
                           "Latency percentiles"; "Power and temperature over a run"; "Energy per component"; "Runs" ] do
                Expect.stringContains html title $"section {title}"
            Expect.stringContains html "gpu-throttled" "the warning's code"
            Expect.stringContains html "GPU 0 was power-capped" "the warning's message"
            Expect.stringContains html "gpu:0: 300 J (measured-counter, nvml-total-energy-counter)" "an energy source"
            Expect.stringContains html "cpu:package-0: 50 J (estimated" "an estimated source"
            Expect.stringContains html "left out 1 incomplete run(s) (no DONE marker)" "the incomplete run is said"
            Expect.stringContains html "<h2>Validity</h2>" "the verdict section"
            Expect.isFalse (Regex.IsMatch(html, "<script[^>]*\\bsrc=")) "no external script"
            Expect.equal
                (written.Figures |> List.map Path.GetFileName)
                [ "energy_per_output_token_j-vs-precision.svg"; "energy_per_output_token_j-vs-batching.batch_size.svg"; "pareto.svg" ]
                "static figures"
            for svg in written.Figures do
                System.Xml.Linq.XDocument.Load svg |> ignore

        testCase "without energy or latency the report says so instead of drawing empty charts" <| fun () ->
            let folder = Repo.tempFolder "lem-results"
            Fixture.write folder [ for cycle in 0..1 -> { Fixture.run "cpu_only" cycle 1 "fp32" 0 10.0 with Sparse = true } ]
            let written = Report.writeReport folder (Path.Combine(Repo.tempFolder "lem-report", "report"))
            Expect.equal written.Charts 0 "no chart"
            Expect.equal written.Figures [] "no figure"
            let html = File.ReadAllText written.IndexHtml
            Expect.stringContains html "No run has energy_per_output_token_j" "energy per token"
            Expect.stringContains html "No run has latency percentiles." "latency"
            Expect.stringContains html "Every energy figure is unavailable (gpu:0)" "breakdown"
            Expect.stringContains html "gpu:0: unavailable (unavailable, nvml-total-energy-counter)" "the run's energy source"

        testCase "the report opens in headless Chromium offline: every chart drawn, no script error; screenshot kept" <| fun () ->
            let folder = Fixture.standardFolder ()
            let out = Path.Combine(Repo.artifacts (), "report")
            if Directory.Exists out then Directory.Delete(out, true)
            let written = Report.writeReport folder out
            let rendered = Browser.render written.IndexHtml
            Expect.equal (Browser.scriptErrors rendered.Log) [] "no uncaught script error in the console"
            Expect.isTrue (rendered.Dom.Contains "<ul id=\"lem-script-errors\"></ul>") "the page's own error list is empty"
            Expect.equal (Browser.plotCount rendered.Dom) expectedCharts "every chart drawn"
            let png = Path.Combine(Repo.artifacts (), "report.png")
            Browser.screenshot written.IndexHtml png
            Expect.isGreaterThan (FileInfo png).Length 10_000L "a screenshot with content"
    ]
