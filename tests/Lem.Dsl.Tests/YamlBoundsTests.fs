/// Every YAML input is bounded: one document, nesting at most 200 deep, aliases without cycles and within an expansion
/// budget, tabs reported where they are. The reader is iterative, so these run in-process; the 30 000-deep, cyclic
/// and bomb inputs that once overflowed the stack also run through `lem` in a child process (Lem.Cli.Tests).
module Lem.Dsl.Tests.YamlBoundsTests

open System
open System.IO
open Expecto
open Lem.Dsl.Yaml
open Lem.Dsl.Tests.Helpers

let private checkYaml (text: string) =
    YamlLoader.check (optionsWith [ "x.yaml", text ]) "/mem/x.yaml"

/// Flow sequences nested `depth` deep, as the value of model_name (line 2).
let private nested depth = "config_name: a\nmodel_name: " + String('[', depth) + String(']', depth) + "\n"

/// A billion laughs: each level aliases the previous one ten times.
let private bomb levels =
    let lines = [ "config_name: a"; "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" ] @ [ for i in 1 .. levels -> sprintf "a%d: &a%d [%s]" i i (String.Join(", ", List.replicate 10 (sprintf "*a%d" (i - 1)))) ]
    String.Join("\n", lines) + "\n"

let tests =
    testList "yaml bounds" [
        testCase "an alias inside its own anchor is an error at the alias, not a stack overflow" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: &a [*a]\n"
            Expect.equal (errorPlaces p) [ "LEM0300", 2, 17 ] (dump p)
            Expect.stringContains (dump p) "inside its own anchor &a" (dump p)

        testCase "an alias nested in a mapping inside its own anchor is a cycle too" <| fun () ->
            let p = checkYaml "config_name: a\nbatching_options: &b\n  inner:\n    again: *b\n"
            Expect.equal (errorPlaces p) [ "LEM0300", 4, 12 ] (dump p)

        testCase "nesting deeper than 200 is an error at the first level too deep" <| fun () ->
            let p = checkYaml (nested 201)
            // the root mapping is level 1, so the 200th bracket (column 12 + 200) opens level 201
            Expect.equal (errorPlaces p) [ "LEM0300", 2, 212 ] (dump p)
            Expect.stringContains (dump p) "nested deeper than 200 levels" (dump p)
            let ok = checkYaml (nested 150)
            Expect.isFalse (codes ok |> List.contains "LEM0300") (dump ok)

        testCase "YAML nested 30 000 deep ends at the bound" <| fun () ->
            let p = checkYaml (nested 30000)
            Expect.equal (errorPlaces p) [ "LEM0300", 2, 212 ] (dump p)

        testCase "block mappings nested deeper than 200 are refused as well" <| fun () ->
            let lines = [ for i in 0 .. 300 -> String(' ', 2 * i) + sprintf "k%d:" i ]
            let p = checkYaml ("config_name: a\nbatching_options:\n" + String.Join("\n", lines |> List.map (fun l -> "  " + l)) + " 1\n")
            Expect.equal (codes p) [ "LEM0300" ] (dump p)
            Expect.stringContains (dump p) "nested deeper than 200" (dump p)

        testCase "an alias bomb is refused at the expansion budget" <| fun () ->
            let p = checkYaml (bomb 9)
            Expect.equal (codes p) [ "LEM0300" ] (dump p)
            Expect.stringContains (dump p) "aliases expand this file to more than 100000 values" (dump p)
            let d = p.Diagnostics.Head
            Expect.isGreaterThan d.Range.StartLine 2 "at an alias that crosses the budget"

        testCase "aliases within the budget read as their anchors" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\nbatching_options:\n  batch_size: &n 4\ndecoder_config:\n  top_k: *n\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "a" "batching.batch_size") "4" "anchor"
            Expect.equal (valueOf p "a" "decoder.top_k") "4" "alias"

        testCase "an alias to no anchor is an error at the alias" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: *nowhere\n"
            Expect.equal (errorPlaces p) [ "LEM0300", 2, 13 ] (dump p)

        testCase "a second YAML document is an error at its ---, not ignored" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\n---\nconfig_name: b\n"
            Expect.equal (errorPlaces p) [ "LEM0300", 3, 1 ] (dump p)
            Expect.stringContains (dump p) "second YAML document" (dump p)
            // a lone leading --- (one document) is fine
            let one = checkYaml "---\nconfig_name: a\nmodel_name: m\n"
            Expect.isEmpty (errors one) (dump one)

        testCase "a tab in the indentation is reported where the tab is" <| fun () ->
            let p = checkYaml "config_name: a\nbatching_options:\n\tbatch_size: 4\n"
            Expect.equal (errorPlaces p) [ "LEM0300", 3, 1 ] (dump p)
            Expect.stringContains (dump p) "replace the tab with spaces" (dump p)
            let later = checkYaml "config_name: a\nbatching_options:\n  batch_size: 4\n  \tstrategy: static\n"
            Expect.equal (errorPlaces later |> List.map (fun (c, l, _) -> c, l)) [ "LEM0300", 4 ] (dump later)

        testCase "a key given twice warns at the second; the later value wins" <| fun () ->
            let p = checkYaml "config_name: a\nmodel_name: m\nfp_precision: float32\nfp_precision: bfloat16\n"
            Expect.isEmpty (errors p) (dump p)
            Expect.isTrue (p.Diagnostics |> List.exists (fun d -> d.Range.StartLine = 4 && d.Message.Contains "appears twice")) (dump p)
            Expect.equal (valueOf p "a" "precision") "bf16" "later wins"

        testCase "a study sweep of 8 axes x 20 values is refused before it is expanded" <| fun () ->
            let axes = [ for a in 1 .. 8 -> sprintf "  decoder.axis%d: [%s]" a (String.Join(", ", [ 1 .. 20 ])) ]
            let p = checkYaml ("name: big\nmodel: m\nsweep:\n" + String.Join("\n", axes) + "\n")
            Expect.equal (errorPlaces p) [ "LEM0236", 3, 1 ] (dump p)
            Expect.stringContains (dump p) "25,600,000,000 grid points" (dump p)

        testCase "a value listed twice on a study's axis is an error at the second" <| fun () ->
            let p = checkYaml "name: s\nmodel: m\nsweep:\n  precision: [fp16, bf16, fp16]\n"
            Expect.equal (errorPlaces p) [ "LEM0235", 4, 27 ] (dump p)

        testCase "no file in the corpus or the configs folder comes near the bounds" <| fun () ->
            let files =
                Directory.GetFiles(Path.Combine(repoRoot, "configs"), "*.yaml")
                |> Array.append (Directory.GetFiles(Path.Combine(repoRoot, "tests", "Lem.Dsl.Tests", "original-configs"), "*.yaml", SearchOption.AllDirectories))
            for f in files do
                let p = YamlLoader.check (Lem.Dsl.Checker.Checker.defaultOptions registry) f
                Expect.isFalse (codes p |> List.contains "LEM0300") (f + "\n" + dump p)
    ]
