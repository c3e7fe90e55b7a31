module Lem.Analysis.Tests.AnalysisTests

open System.IO
open System.Text.RegularExpressions
open System.Xml.Linq
open Expecto
open Lem.Analysis

let private folder = lazy (Fixture.standardFolder ())
let private frame = lazy (Results.load folder.Value)

let tests =
    testList "analysis" [
        testCase "table: text with mean, CI and CV per group, notes where an interval is missing" <| fun () ->
            let text, summary = Analysis.table frame.Value [ "energy_per_output_token_j" ] [ "batching.batch_size" ]
            Expect.stringContains text "batching.batch_size" "grouping column in the header"
            Expect.stringContains text "energy_per_output_token_j mean" "metric in the header"
            Expect.stringContains text "0.31" "mean of batch size 8"
            Expect.stringContains text "n < 2" "batch size 4 has one run"
            Expect.stringContains text "batching.batch_size=4: energy_per_output_token_j: only 1 value" "the note"
            Expect.equal summary.RowCount 3 "frame: one row per group"

        testCase "pareto: the experiments on the front (hand-worked, see Fixture.standard)" <| fun () ->
            let front = Analysis.pareto frame.Value [ "energy_per_output_token_j", Minimize; "output_tokens_per_s", Maximize ]
            Expect.sequenceEqual
                front.RowKeys
                [ "experiment=grid[batching.batch_size=8,precision=bf16]"; "experiment=grid[batching.batch_size=8,precision=fp16]" ]
                "bs 8 fp16 (least energy) and bs 8 bf16 (most throughput)"
            let means = Columns.numbers front "metric" "energy_per_output_token_j_mean" |> List.map (snd >> Option.get)
            Expect.floatClose Accuracy.high means[0] 0.32 "bf16"
            Expect.floatClose Accuracy.high means[1] 0.30 "fp16"

        testCase "pareto as text" <| fun () ->
            let text, front = Analysis.paretoTable frame.Value [ "energy_per_output_token_j", Minimize; "output_tokens_per_s", Maximize ]
            Expect.stringContains text "energy_per_output_token_j mean (minimise)" "header"
            Expect.isTrue (Regex.IsMatch(text, @"precision=fp16\]\s+3\s+0\.3\s+200\n")) "a front row: runs and both means"
            Expect.equal front.RowCount 2 "frame"

        testCase "only the experiments asked for (analyze CAMPAIGN), column types kept" <| fun () ->
            let two = Results.onlyExperiments [ "single"; "grid[batching.batch_size=1,precision=fp16]" ] frame.Value
            Expect.equal two.RowCount 4 "one run of single and three of the grid member"
            Expect.isTrue (Columns.isNumber two "energy_per_output_token_j") "number column"
            Expect.isFalse (Columns.isNumber two "precision") "text column"
            let e = Expect.throwsC (fun () -> Results.onlyExperiments [ "nope" ] frame.Value |> ignore) id
            Expect.stringContains e.Message "experiments there: grid[" "lists what is there"

        testCase "pareto needs two objectives" <| fun () ->
            Expect.throwsT<AnalysisException> (fun () -> Analysis.pareto frame.Value [ "energy_per_output_token_j", Minimize ] |> ignore) "one objective"

        testCase "plot to .svg: one series per value of the by-parameter, one marker per x" <| fun () ->
            let path = Analysis.plot frame.Value "energy_per_output_token_j" "batching.batch_size" (Some "precision") (Path.Combine(Repo.tempFolder "lem-plot", "figures", "energy.svg"))
            let doc = XDocument.Load path
            let ns = XNamespace.Get "http://www.w3.org/2000/svg"
            let series = doc.Descendants(ns + "g") |> Seq.map (fun g -> g.Attribute(XName.Get "data-name").Value) |> List.ofSeq
            Expect.equal series [ "precision=bf16"; "precision=fp16"; "precision=fp32" ] "series"
            Expect.equal (doc.Descendants(ns + "circle") |> Seq.length) 5 "bf16 at 1 and 8, fp16 at 1 and 8, fp32 at 4"
            Expect.equal (doc.Descendants(ns + "path") |> Seq.length) 4 "intervals where a point has 3 runs (not for fp32's single run)"

        testCase "plot to .html is a page with plotly.js inline; other extensions are refused" <| fun () ->
            let dir = Repo.tempFolder "lem-plot"
            let path = Analysis.plot frame.Value "energy_per_output_token_j" "precision" None (Path.Combine(dir, "energy.html"))
            let html = File.ReadAllText path
            Expect.stringContains html "Plotly.newPlot" "a chart"
            Expect.isGreaterThan html.Length 1_000_000 "plotly.js inline"
            let e = Expect.throwsC (fun () -> Analysis.plot frame.Value "energy_per_output_token_j" "precision" None (Path.Combine(dir, "energy.png")) |> ignore) id
            Expect.stringContains e.Message ".html, .htm or .svg" "the remedy"

        testCase "plot of a text metric is refused with the reason" <| fun () ->
            let e = Expect.throwsC (fun () -> Analysis.figure frame.Value "precision" "batching.batch_size" None |> ignore) id
            Expect.stringContains e.Message "holds text" "reason"
    ]
