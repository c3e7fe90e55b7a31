/// Bounded inputs: sweeps and campaigns are counted before they are expanded (refused above the run limit, a warning
/// above RunLimits.warnAbove), and no script reaches a .NET stack overflow (brackets, inheritance and imports are
/// each limited to 200 levels).
module Lem.Dsl.Tests.LimitsTests

open System
open Expecto
open Lem.Engine.Config
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Checker
open Lem.Dsl.Checker.Passes
open Lem.Dsl.Tests.Helpers

/// A sweep of `axes` integer parameters with `values` values each (1..values).
let private sweepOf (axes: int) (values: int) =
    let paths = [ "batching.batch_size"; "max_new_tokens"; "min_new_tokens"; "decoder.top_k"; "decoder.seed"; "traffic.seed"; "warmup.count"; "batching.max_tokens_per_batch" ]
    let list = [ 1 .. values ] |> List.map string |> String.concat ", "
    let body = paths |> List.truncate axes |> List.map (fun p -> sprintf "  %s = [%s]" p list) |> String.concat "\n"
    sprintf "experiment a {}\nsweep big from a {\n%s\n}\n" body

let private checkWithLimit (maxRuns: int) (text: string) =
    checkText { optionsWith [ "main.lem", text ] with MaxRuns = maxRuns } "/mem/main.lem" text

let private warnings (code: string) (p: CheckedProgram) =
    p.Diagnostics |> List.filter (fun d -> d.Code = code && d.Severity = Severity.Warning) |> List.map (fun d -> d.Range.StartLine, d.Range.StartCol)

let runLimits =
    testList "run limits" [
        testCase "a sweep of 8 axes x 20 values (20^8 members) is refused at once, without being expanded" <| fun () ->
            let p = check (sweepOf 8 20 + "run big\n")
            Expect.equal (errorPlaces p) [ "LEM0236", 2, 7 ] (dump p)
            Expect.stringContains (errors p).Head.Message "25,600,000,000 members, above the limit of 10,000 runs" (dump p)
            Expect.stringContains (errors p).Head.Message "--max-runs N" "the remedy"
            Expect.isEmpty p.Sweeps["big"].Members "no member made"
        testCase "the limit is the one the options give: --max-runs raises (or lowers) it" <| fun () ->
            let script = sweepOf 2 4 // 16 members
            Expect.equal (errorPlaces (checkWithLimit 15 script)) [ "LEM0236", 2, 7 ] "16 > 15"
            Expect.isEmpty (errors (checkWithLimit 16 script)) "16 <= 16"
            Expect.equal RunLimits.defaultMax 10_000 "the documented default"
        testCase "a campaign counts its experiments times its cycles" <| fun () ->
            let p = check (sweepOf 1 20 + "campaign c {\n  experiments = [big]\n  cycles = 600\n}\nrun c\n")
            Expect.equal (errorPlaces p) [ "LEM0236", 5, 10 ] (dump p)
            Expect.stringContains (errors p).Head.Message "campaign 'c' (20 experiments x 600 cycles) expands to 12,000 runs" (dump p)
        testCase "run of a sweep counts each member's cycles" <| fun () ->
            let p = check "experiment a { cycles = 1000 }\nsweep s from a { decoder.seed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }\nrun s"
            Expect.equal (errorPlaces p) [ "LEM0236", 3, 5 ] (dump p)
        testCase "above 1,000 runs a run statement gets a warning saying how many; below, nothing" <| fun () ->
            let p = check (sweepOf 2 40 + "run big\n") // 1,600 members
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (warnings "LEM0237" p) [ 6, 5 ] (dump p)
            Expect.stringContains (dump p) "starts 1,600 runs" (dump p)
            Expect.isEmpty (warnings "LEM0237" (check (sweepOf 2 30 + "run big\n"))) "900 runs"
        testCase "a run of a sweep whose members were all dropped is an error, not a silent nothing" <| fun () ->
            let text = "experiment a { fast_kernels = true }\nsweep s from a { backend = [torchsharp] }\nrun s"
            let p = checkText { optionsWith [ "main.lem", text ] with Registry = registryWithOtherBackend } "/mem/main.lem" text
            Expect.contains (errorPlaces p) ("LEM0243", 3, 5) (dump p)
        testCase "a campaign of sweeps whose members were all dropped is an error" <| fun () ->
            let text = "experiment a { fast_kernels = true }\nsweep s from a { backend = [torchsharp] }\ncampaign c { experiments = [s] }"
            let p = checkText { optionsWith [ "main.lem", text ] with Registry = registryWithOtherBackend } "/mem/main.lem" text
            Expect.contains (errorPlaces p) ("LEM0243", 3, 28) (dump p)
    ]

let stackDepth =
    testList "no stack overflow" [
        testCase "brackets nested 200 deep are checked and planned; 201 is an error" <| fun () ->
            for opening, closing in [ "[", "]"; "f(", ")" ] do
                let value depth = String.replicate depth opening + "1" + String.replicate depth closing
                let ok = check (sprintf "let x = %s\nexperiment a {}\nrun a" (value 200))
                Expect.isFalse (ok.Diagnostics |> List.exists (fun d -> d.Code = "LEM0001" || d.Code = "LEM0100")) (dump ok)
                let deep = check (sprintf "let x = %s\nexperiment a {}" (value 201))
                Expect.contains (codes deep) "LEM0100" (dump deep)
            let blocks = String.replicate 199 "b {" + " c = 1 " + String.replicate 199 "}"
            let p = check (sprintf "experiment a { %s }" blocks)
            Expect.isFalse (p.Diagnostics |> List.exists (fun d -> d.Code = "LEM0001")) (dump p)
            Lem.Dsl.Api.planText registry p |> ignore
        testCase "an inheritance chain of 20,000 experiments is refused beyond 200, in either order" <| fun () ->
            let n = 20_000
            let forward = [ for k in 0 .. n -> if k = 0 then "experiment e0 {}" else sprintf "experiment e%d extends e%d {}" k (k - 1) ]
            for lines in [ forward; List.rev forward ] do
                let p = check (String.concat "\n" lines)
                Expect.isFalse (p.Diagnostics |> List.exists (fun d -> d.Code = "LEM0001")) "no internal error"
                Expect.contains (codes p) "LEM0203" "too deep"
            let ok = check (String.concat "\n" (forward |> List.truncate 201))
            Expect.isEmpty (errors ok) "200 ancestors are fine"
            Expect.equal InheritancePass.maxInheritanceDepth 200 "the documented limit"
        testCase "imports nested 300 files deep are refused beyond 200" <| fun () ->
            let files = [ for k in 1 .. 300 -> sprintf "f%d.lem" k, (if k < 300 then sprintf "import \"f%d.lem\"\n" (k + 1) else "") + sprintf "experiment e%d {}" k ]
            let p = checkWith files "import \"f1.lem\""
            Expect.contains (codes p) "LEM0203" (dump p)
            Expect.isFalse (p.Diagnostics |> List.exists (fun d -> d.Code = "LEM0001")) (dump p)
    ]

let tests = testList "limits" [ runLimits; stackDepth ]
