module Lem.Analysis.Tests.ResultsTests

open System.IO
open Expecto
open Lem.Analysis

let private folder = lazy (Fixture.standardFolder ())

let private cell frame column row =
    Columns.cells frame column |> List.find (fun (k, _) -> k = row) |> snd

let private runOf frame experiment cycle =
    let experiments = Columns.cells frame "experiment" |> Map.ofList
    let cycles = Columns.cells frame "cycle" |> Map.ofList
    Columns.names frame |> ignore
    frame.RowKeys |> Seq.find (fun k -> experiments[k] = Cell.Text experiment && cycles[k] = Cell.Number(float cycle))

let tests =
    testList "results" [
        testCase "a results folder loads as one row per complete run, keyed by run id" <| fun () ->
            let frame = Results.load folder.Value
            Expect.equal frame.RowCount 13 "12 grid runs and one complete run of single (the incomplete run is left out)"
            Expect.sequenceEqual frame.RowKeys (Columns.cells frame "run_id" |> List.map (fun (_, c) -> c.Label)) "rows keyed by run_id"
            for column in [ "batching.batch_size"; "energy_per_output_token_j"; "output_tokens_per_s"; "energy_total_j"; "ttft_ms_p50"; "gpu0_temperature_max_c" ] do
                Expect.isTrue (Columns.isNumber frame column) $"{column} is a number column"
            for column in [ "precision"; "energy_gpu_source"; "energy_cpu_source"; "energy_components"; "warning_codes" ] do
                Expect.isFalse (Columns.isNumber frame column) $"{column} is a text column"

        testCase "values come from the raw records (worked by hand)" <| fun () ->
            let frame = Results.load folder.Value
            let run = runOf frame "grid[batching.batch_size=1,precision=fp16]" 0
            Expect.equal (cell frame "energy_total_j" run) (Cell.Number 500.0) "300 + 150 + 50 J"
            Expect.equal (cell frame "energy_gpu_j" run) (Cell.Number 450.0) "gpu:0 + gpu:1"
            Expect.equal (cell frame "energy_per_output_token_j" run) (Cell.Number 0.5) "500 J / 1000 tokens"
            Expect.equal (cell frame "output_tokens_per_s" run) (Cell.Number 50.0) "1000 tokens / 20 s"
            Expect.equal (cell frame "batching.batch_size" run) (Cell.Number 1.0) "parameter by its dotted name"
            Expect.equal (cell frame "precision" run) (Cell.Text "fp16") "text parameter"
            Expect.equal (cell frame "energy_gpu_source" run) (Cell.Text "measured-counter") "GPU source"
            Expect.equal (cell frame "energy_cpu_source" run) (Cell.Text "estimated") "CPU source"
            Expect.equal (cell frame "energy_total_source" run) (Cell.Text "estimated") "a sum is as good as its weakest part"
            Expect.equal (cell frame "co2_g" run) Cell.Missing "not measured: missing, never 0"

        testCase "swept parameters are the parameters that vary" <| fun () ->
            let frame = Results.load folder.Value
            Expect.containsAll (Results.parameterColumns frame) [ "model"; "backend"; "precision"; "batching.batch_size"; "max_new_tokens" ] "parameter columns"
            Expect.equal (Results.sweptParameters frame |> List.sort) [ "batching.batch_size"; "precision" ] "swept"

        testCase "CSV export read back equals the frame" <| fun () ->
            let frame = Results.load folder.Value
            let csv = Analysis.export folder.Value (Path.Combine(Repo.tempFolder "lem-export", "runs.csv"))
            let back = Results.readCsv csv
            Expect.equal (Columns.names back) (Columns.names frame) "same columns in the same order"
            Expect.sequenceEqual back.RowKeys frame.RowKeys "same rows in the same order"
            for column in Columns.names frame do
                Expect.equal (Columns.cells back column) (Columns.cells frame column) $"column {column}"

        testCase "JSON and Parquet exports by extension; other extensions are refused" <| fun () ->
            let dir = Repo.tempFolder "lem-export"
            for name in [ "runs.json"; "runs.parquet" ] do
                let path = Analysis.export folder.Value (Path.Combine(dir, name))
                Expect.isGreaterThan (FileInfo path).Length 100L $"{name} written"
            let e = Expect.throwsC (fun () -> Analysis.export folder.Value (Path.Combine(dir, "runs.xlsx")) |> ignore) id
            Expect.stringContains e.Message ".csv, .json or .parquet" "the remedy"

        testCase "a folder without complete runs, and a missing folder, say so" <| fun () ->
            let empty = Repo.tempFolder "lem-empty"
            Expect.stringContains (Expect.throwsC (fun () -> Results.load empty |> ignore) id).Message "no complete run" "empty folder"
            Expect.equal (Results.completeRecords empty) [] "completeRecords: none, without an error"
            let missing = Path.Combine(empty, "nope")
            Expect.stringContains (Expect.throwsC (fun () -> Results.load missing |> ignore) id).Message "does not exist" "missing folder"

        testCase "an unknown column names close ones" <| fun () ->
            let frame = Results.load folder.Value
            let e = Expect.throwsC (fun () -> Results.summary frame [ "batching.batchsize" ] [ "energy_per_output_token_j" ] |> ignore) id
            Expect.stringContains e.Message "'batching.batchsize'" "names the column"
            Expect.stringContains e.Message "Did you mean batching.batch_size" "suggests the right one"
    ]
