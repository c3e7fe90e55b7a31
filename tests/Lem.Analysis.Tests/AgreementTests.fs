/// Analysis agrees with itself: one rule for superseded runs, numeric sweep axes, one base for output paths, the
/// validity verdict first in the report.
module Lem.Analysis.Tests.AgreementTests

open System
open System.IO
open Expecto
open Lem.Analysis
open Lem.Engine.Results.Validity
open Lem.Analysis.Tests.Fixture

let private inputLengthSweep () =
    let folder = Repo.tempFolder "lem-input-sweep"
    [ for tokens in [ 1024; 128; 512 ] do
          for cycle in 0..1 ->
              { run $"len[prompts.input_tokens={tokens}]" cycle 1 "bf16" (tokens + 10 * cycle) 10.0 with
                  Prompts = Some $"synthetic(count = 8, input_tokens = {tokens})" } ]
    |> write folder
    folder

let tests =
    testList "agreement" [
        testCase "a call-valued sweep axis is a number column named by its argument, ordered by value" <| fun () ->
            let frame = Results.load (inputLengthSweep ())
            Expect.isTrue (Columns.isNumber frame "prompts.input_tokens") "prompts.input_tokens is a number column"
            Expect.equal (Results.sweptParameters frame) [ "prompts.input_tokens" ] "the argument replaces the call it explains"
            let figure = Analysis.figure frame "energy_per_output_token_j" "prompts.input_tokens" None
            Expect.equal figure.XCategories [] "a numeric axis, not categories"
            Expect.equal (figure.Series.Head.Points |> List.map fst) [ 128.0; 512.0; 1024.0 ] "128, 512, 1024"
            let summary = Results.summary frame [ "prompts.input_tokens" ] [ "energy_per_output_token_j" ]
            Expect.sequenceEqual summary.RowKeys [ "prompts.input_tokens=128"; "prompts.input_tokens=512"; "prompts.input_tokens=1024" ] "groups in value order"

        testCase "text categories are in natural order" <| fun () ->
            let frame = Results.load (inputLengthSweep ())
            let figure = Analysis.figure frame "energy_per_output_token_j" "prompts" None
            Expect.equal figure.XCategories
                [ "synthetic(count = 8, input_tokens = 128)"; "synthetic(count = 8, input_tokens = 512)"; "synthetic(count = 8, input_tokens = 1024)" ]
                "128 before 512 before 1024"

        testCase "call arguments are parsed with quotes and nesting respected" <| fun () ->
            Expect.equal (Results.callArguments "file(\"a,b.jsonl\", format = jsonl, sample = 4)") (Some [ "format", "jsonl"; "sample", "4" ]) "file call"
            Expect.equal (Results.callArguments "bf16") None "not a call"

        testCase "one rule for superseded runs: the latest complete run of each experiment and cycle, and it is said" <| fun () ->
            let folder = Repo.tempFolder "lem-superseded"
            write folder [ run "e" 0 1 "bf16" 500 10.0; run "e" 0 1 "bf16" 700 10.0; run "e" 1 1 "bf16" 600 10.0 ]
            let entries = Results.runs folder
            let kept = Results.records folder
            Expect.equal kept.Length 2 "one run per experiment and cycle"
            Expect.equal (kept |> List.find (fun r -> r.Cycle = 0)).Metrics["energy_total_j"] 700.0 "the later run of cycle 0"
            let said = Results.leftOut entries |> Option.defaultValue ""
            Expect.stringContains said "left out 1 superseded run(s)" "how many and why"
            let report = Report.writeReport folder (Path.Combine(folder, "report"))
            let html = File.ReadAllText report.IndexHtml
            Expect.stringContains html "left out 1 superseded run(s)" "the report says it too"
            Expect.stringContains html "Superseded (left out everywhere)" "and names it"

        testCase "the report shows the validity verdict first" <| fun () ->
            let folder = Repo.tempFolder "lem-validity"
            let failing = ValidityVerdict.Of([| ValidityCheck("steady-state", ValidityStatus.Fail, "30% of the window had 8 or more requests in flight") |])
            write folder [ { run "e" 0 1 "bf16" 500 10.0 with Validity = Some failing }; run "f" 0 1 "bf16" 500 10.0 ]
            let html = File.ReadAllText (Report.writeReport folder (Path.Combine(folder, "report"))).IndexHtml
            let sections = html.IndexOf "<section id=\"s1\">"
            Expect.isGreaterThan sections 0 "sections"
            Expect.stringContains (html.Substring(sections, 200)) "<h2>Validity</h2>" "the first section is the verdict"
            Expect.stringContains html "30% of the window had 8 or more requests in flight" "the failing check"
            Expect.stringContains html "not judged" "a record without a verdict says so"

        testCase "relative output paths resolve against the working directory, like results.dir" <| fun () ->
            Expect.equal (Analysis.outputPath "figures/a.svg") (Path.Combine(Environment.CurrentDirectory, "figures", "a.svg")) "working directory"
            let rooted = Path.Combine(Path.GetTempPath(), "x.svg")
            Expect.equal (Analysis.outputPath rooted) rooted "absolute paths stay"
    ]
