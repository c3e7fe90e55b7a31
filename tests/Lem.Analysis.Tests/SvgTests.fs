module Lem.Analysis.Tests.SvgTests

open System.Xml.Linq
open Expecto
open Lem.Analysis

let private ns = XNamespace.Get "http://www.w3.org/2000/svg"
let private parse (text: string) = XDocument.Parse text
let private elements name (doc: XDocument) = doc.Descendants(ns + name) |> Seq.toList
let private attr (name: string) (e: XElement) = e.Attribute(XName.Get name).Value

let tests =
    testList "svg" [
        testCase "ticks are 1, 2 or 5 times a power of ten" <| fun () ->
            Expect.equal (Svg.niceTicks 0.0 1.0 5) [ 0.0; 0.2; 0.4; 0.6; 0.8; 1.0 ] "0..1"
            Expect.equal (Svg.niceTicks 0.13 0.87 4) [ 0.2; 0.4; 0.6; 0.8 ] "0.13..0.87"
            Expect.equal (Svg.niceTicks -3.0 48.0 6) [ 0.0; 10.0; 20.0; 30.0; 40.0 ] "-3..48"

        testCase "points land where the axes put them (hand-computed pixels)" <| fun () ->
            // 760 × 460 figure: plot area x 80..590, y 44..396. Data 0..10 padded by 5% → axes -0.5..10.5.
            // x = 0 → 80 + 0.5/11 × 510 = 103.18; y = 0 → 396 − 0.5/11 × 352 = 380; y = 10 → 396 − 10.5/11 × 352 = 60.
            let doc = Figure.create "t" "x" "y" [ Figure.series "s" [ 0.0, 0.0; 10.0, 10.0 ] ] |> Svg.render |> parse
            let circles = elements "circle" doc |> List.map (fun c -> attr "cx" c, attr "cy" c)
            Expect.equal circles [ "103.18", "380"; "566.82", "60" ] "circle centres"

        testCase "one marker per point, one error bar per interval, one legend entry per series, labels escaped" <| fun () ->
            let figure =
                Figure.create "J <per> token & more" "batching.batch_size" "energy_per_output_token_j"
                    [ { Figure.series "fp16" [ 1.0, 0.5; 4.0, 0.3; 16.0, 0.2 ] with Intervals = [ Some(0.4, 0.6); None; Some(0.1, 0.3) ] }
                      { Figure.series "bf16" [ 1.0, 0.6; 4.0, 0.4 ] with Lines = false } ]
            let text = Svg.render figure
            let doc = parse text
            Expect.equal (elements "circle" doc).Length 5 "markers"
            Expect.equal (doc.Descendants(ns + "path") |> Seq.filter (fun p -> attr "class" p = "interval") |> Seq.length) 2 "error bars"
            Expect.equal (elements "polyline" doc).Length 1 "only the first series is joined"
            let texts = elements "text" doc |> List.map (fun t -> t.Value)
            Expect.contains texts "J <per> token & more" "title (escaped in the file, read back as written)"
            Expect.contains texts "fp16" "legend"
            Expect.contains texts "bf16" "legend"
            Expect.contains texts "energy_per_output_token_j" "y label"

        testCase "a categorical x axis labels its categories" <| fun () ->
            let figure = { Figure.create "t" "precision" "y" [ Figure.series "s" [ 0.0, 1.0; 1.0, 2.0 ] ] with XCategories = [ "fp16"; "bf16" ] }
            let texts = elements "text" (parse (Svg.render figure)) |> List.map (fun t -> t.Value)
            Expect.contains texts "fp16" "first category"
            Expect.contains texts "bf16" "second category"

        testCase "a missing value must be left out, not drawn" <| fun () ->
            Expect.throwsT<System.ArgumentException> (fun () -> Figure.create "t" "x" "y" [ Figure.series "s" [ 0.0, nan ] ] |> Svg.render |> ignore) "NaN point"
    ]
