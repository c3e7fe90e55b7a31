module Lem.Analysis.Tests.ChartsTests

open System.IO
open System.Text.RegularExpressions
open Expecto
open Lem.Analysis

let private figure =
    { Figure.create "Energy" "batch size" "J/token" [ { Figure.series "bf16" [ 1.0, 0.5; 4.0, 0.3; 16.0, 0.2 ] with Intervals = [ Some(0.45, 0.55); None; Some(0.18, 0.22) ] } ] with
        Width = 600 }

let tests =
    testList "charts" [
        testCase "plotly.js is inlined from the Plotly.NET package" <| fun () ->
            Expect.equal (PlotlyJs.version ()) "2.28.0" "bundled plotly.js version"
            let element = PlotlyJs.scriptElement ()
            Expect.isGreaterThan element.Length 1_000_000 "the whole minified source is inlined"
            Expect.isFalse (Regex.IsMatch(element, "<script[^>]*\\bsrc=")) "no external script"

        testCase "a page with two charts draws both offline in headless Chromium, without script errors" <| fun () ->
            let dir = Repo.tempFolder "lem-charts"
            let path = Path.Combine(dir, "page.html")
            let bars = Charts.bars "Latency" "experiment" "ms" [ "a"; "b" ] [ "p50", [ Some 1.0; Some 2.0 ]; "p99", [ Some 3.0; None ] ] false
            File.WriteAllText(path, Charts.page "test" [ Charts.ofFigure figure; bars ])
            Expect.isFalse (Regex.IsMatch(File.ReadAllText path, "<script[^>]*\\bsrc=")) "no external script"
            let rendered = Browser.render path
            Expect.equal (Browser.scriptErrors rendered.Log) [] "no script errors"
            Expect.equal (Browser.plotCount rendered.Dom) 2 "two plots drawn"

        testCase "a label holding </script> cannot end a chart's script early" <| fun () ->
            let dir = Repo.tempFolder "lem-charts"
            let path = Path.Combine(dir, "labels.html")
            let hostile = { figure with Title = "</script><b id=\"escaped\">x</b>"; Series = [ { figure.Series.Head with Name = "</SCRIPT>" } ] }
            let fragment = Charts.fragment (Charts.ofFigure hostile)
            Expect.equal (Regex.Matches(fragment, "</script", RegexOptions.IgnoreCase).Count) 1 "only the element's own end tag"
            File.WriteAllText(path, Charts.page "labels" [ Charts.ofFigure hostile ])
            let rendered = Browser.render path
            Expect.equal (Browser.scriptErrors rendered.Log) [] "no script errors"
            Expect.equal (Browser.plotCount rendered.Dom) 1 "drawn"
            Expect.isFalse (rendered.Dom.Contains "<b id=\"escaped\">") "the label did not become markup"

        testCase "the browser harness sees a script error (so its 'no errors' means something)" <| fun () ->
            let dir = Repo.tempFolder "lem-charts"
            let path = Path.Combine(dir, "broken.html")
            File.WriteAllText(path, "<!DOCTYPE html><html><body><div>x</div><script>throw new Error('lem-test-boom');</script></body></html>")
            let rendered = Browser.render path
            Expect.exists (Browser.scriptErrors rendered.Log) (fun line -> line.Contains "lem-test-boom") "the thrown error is reported"
            Expect.equal (Browser.plotCount rendered.Dom) 0 "no plot"
    ]
