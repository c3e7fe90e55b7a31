/// lem results list | show | export, over one completed run made once.
module Lem.Cli.Tests.ResultsTests

open System.IO
open System.Text
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem
open Lem.Engine.Results.Export
open Lem.Engine.Results.Schema

/// A working folder holding results/ with one completed run of experiment `r`, and that run's id.
let fixture =
    lazy
        (let dir = workDir "results"
         write dir "r.lem" (tinyExperiment "r" "" + "run r\n") |> ignore
         expectOk (run dir [ "run"; "r.lem" ])
         dir, Path.GetFileName(runFolders (Path.Combine(dir, "results")) |> Array.exactlyOne))

/// A results folder written through the engine's store: experiment `e` cycle 0 twice (the later run supersedes the
/// earlier), the earlier with a failing verdict and the later with a passing one.
let private supersededFolder =
    lazy
        (let dir = workDir "results-superseded"
         let store = Lem.Engine.Results.Store.ResultStore(Path.Combine(dir, "results"))
         store.EnsureWritable()
         let write (status: Lem.Engine.Results.Validity.ValidityStatus) (offsetS: float) =
             let id = store.BeginRun("e", 0)
             let t0 = System.DateTimeOffset(2026, 11, 25, 12, 0, 0, System.TimeSpan.Zero).AddSeconds offsetS
             let verdict = Lem.Engine.Results.Validity.ValidityVerdict.Of([| Lem.Engine.Results.Validity.ValidityCheck("steady-state", status, "fixture") |])
             let record =
                 RawRecord(ToolVersion = "test", RunId = id, Experiment = "e", Cycle = 0, StartedUtc = t0, EndedUtc = t0.AddSeconds 2.0,
                           Window = WindowRecord(1.0, t0, t0.AddSeconds 1.0), Tokens = TokenCounts(1L, 10L, 10L, 5L), Validity = verdict)
             store.WriteRawRecord record |> ignore
             store.MarkComplete id |> ignore
             System.Threading.Thread.Sleep 10 // run ids carry the start time: the second is later
             id
         let older = write Lem.Engine.Results.Validity.ValidityStatus.Fail 0.0
         let newer = write Lem.Engine.Results.Validity.ValidityStatus.Pass 60.0
         dir, older, newer)

let tests =
    testList "results" [
        testCase "show prints the validity verdict first" <| fun () ->
            let dir, id = fixture.Force()
            let o = run dir [ "results"; "show"; id ]
            expectOk o
            Expect.stringStarts o.Stdout "Validity: " "the verdict comes before everything else"
            Expect.stringContains o.Stdout "window-resolution" "its checks"

        testCase "list --valid lists the runs without a failing check and says how many it left out" <| fun () ->
            let dir, older, newer = supersededFolder.Force()
            let o = run dir [ "results"; "list"; "--valid" ]
            expectOk o
            Expect.stringContains o.Stdout newer "the passing run"
            Expect.isFalse (o.Stdout.Contains older) "the failing run is not listed"
            Expect.stringContains o.Stderr "left out 1 with a failing check" "says what it left out"

        testCase "export keeps the latest run of each experiment and cycle, says what it left out; --all keeps them all" <| fun () ->
            let dir, older, newer = supersededFolder.Force()
            let o = run dir [ "results"; "export"; "--format"; "csv" ]
            expectOk o
            let rows = Lem.Analysis.Csv.parse "export.csv" o.Stdout
            Expect.equal rows.Length 2 "header and the latest run only"
            Expect.stringContains o.Stdout newer "the latest run"
            Expect.stringContains o.Stderr "left out 1 superseded run(s)" "says how many and why"
            Expect.stringContains o.Stderr older "names the superseded run"
            let all = run dir [ "results"; "export"; "--format"; "csv"; "--all" ]
            expectOk all
            Expect.equal (Lem.Analysis.Csv.parse "export.csv" all.Stdout).Length 3 "header and both runs"

        testCase "list shows the run" <| fun () ->
            let dir, id = fixture.Force()
            let o = run dir [ "results"; "list" ]
            expectOk o
            Expect.stringContains o.Stdout id "run id"
            Expect.stringContains o.Stdout "complete" "status"
            // the host figures are the lem process's share of the machine's estimate, and say so
            Expect.stringContains o.Stdout "[estimated (process share)]" "energy source"

        testCase "list --dir of a missing folder is one line with the remedy" <| fun () ->
            let o = run (workDir "results-missing") [ "results"; "--dir"; "nowhere"; "list" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "nowhere" "names the folder"
            Expect.stringContains o.Stderr "Remedy" "says what to do"
            expectNoStackTrace o

        testCase "show accepts an id prefix" <| fun () ->
            let dir, id = fixture.Force()
            let o = run dir [ "results"; "show"; id.Substring(0, 12) ]
            expectOk o
            Expect.stringContains o.Stdout id "the run"
            for section in [ "Config"; "Environment"; "Energy"; "Latency" ] do
                Expect.stringContains o.Stdout section $"section {section}"
            Expect.stringContains o.Stdout "r.lem:4" "provenance"

        testCase "show of an unknown id is one line" <| fun () ->
            let dir, _ = fixture.Force()
            let o = run dir [ "results"; "show"; "zzz" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "zzz" "names the id"
            expectNoStackTrace o

        testCase "export --format csv: canonical header, NA for missing" <| fun () ->
            let dir, id = fixture.Force()
            let o = run dir [ "results"; "export"; "--format"; "csv" ]
            expectOk o
            let table = Lem.Analysis.Csv.parse "export.csv" o.Stdout
            Expect.equal table.Length 2 "header and one row"
            let header, row = table[0], table[1]
            let runColumns = ExportTable.RunColumns |> Seq.map (fun c -> c.Name) |> List.ofSeq
            Expect.equal (List.truncate runColumns.Length header) runColumns "run columns first, in order"
            let names = Set.ofList header
            for m in MetricNames.Canonical do Expect.isTrue (names.Contains m.Name) $"canonical metric {m.Name}"
            for c in ExportTable.EnergySourceColumns do Expect.isTrue (names.Contains c.Name) $"energy source column {c.Name}"
            Expect.isTrue (names.Contains "batching.batch_size") "parameters by dotted name"
            let cell = Map.ofList (List.zip header row)
            Expect.equal cell["run_id"] id "the row is the run"
            Expect.equal cell["energy_gpu_j"] "NA" "GPU energy was not measured (CPU run): NA, not 0"
            if not hasRapl then Expect.equal cell["energy_cpu_source"] "estimated (process share)" "source column: the process's share of the estimate"
            Expect.isTrue (names.Contains "validity_status" && names.Contains "workload_fingerprint") "the verdict and the workload"
            Expect.isGreaterThan (float cell["energy_cpu_j"]) 0.0 "CPU energy"

        testCase "export --format json" <| fun () ->
            let dir, id = fixture.Force()
            let o = run dir [ "results"; "export"; "--format"; "json" ]
            expectOk o
            use doc = JsonDocument.Parse o.Stdout
            Expect.equal (doc.RootElement.GetArrayLength()) 1 "one record"
            Expect.equal (doc.RootElement[0].GetProperty("run_id").GetString()) id "run id"

        testCase "export --format parquet --out FILE" <| fun () ->
            let dir, _ = fixture.Force()
            let o = run dir [ "results"; "export"; "--format"; "parquet"; "--out"; "f.parquet" ]
            expectOk o
            let bytes = File.ReadAllBytes(Path.Combine(dir, "f.parquet"))
            Expect.isGreaterThan bytes.Length 8 "written"
            Expect.equal (Encoding.ASCII.GetString(bytes, 0, 4)) "PAR1" "parquet magic at the start"
            Expect.equal (Encoding.ASCII.GetString(bytes, bytes.Length - 4, 4)) "PAR1" "parquet magic at the end"

        testCase "export --format parquet without --out is refused" <| fun () ->
            let dir, _ = fixture.Force()
            let o = run dir [ "results"; "export"; "--format"; "parquet" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.stringContains o.Stderr "--out" "the remedy"
            expectNoStackTrace o

        testCase "report of a folder without a completed run is one line with the remedy" <| fun () ->
            let dir = workDir "report-empty"
            Directory.CreateDirectory(Path.Combine(dir, "empty")) |> ignore
            let o = run dir [ "report"; "empty" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "lem results --dir" "a remedy that is a valid command"
            expectNoStackTrace o

        testCase "report writes an HTML file" <| fun () ->
            let dir, _ = fixture.Force()
            let o = run dir [ "report"; "--out"; "rep"; "results" ]
            expectOk o
            Expect.isTrue (File.Exists(Path.Combine(dir, "rep", "index.html"))) "index.html"
    ]
