/// Fake results folders written through the engine's ResultStore (the same files `lem run` writes), with numbers
/// chosen so that statistics and the Pareto front can be worked out by hand.
module Lem.Analysis.Tests.Fixture

open System
open System.Collections.Generic
open System.Text.Json.Nodes
open Lem.Engine.Meters
open Lem.Engine.Results.Schema
open Lem.Engine.Results.Store
open Lem.Engine.Results.Validity

type FakeRun =
    { Experiment: string
      Cycle: int
      BatchSize: int
      Precision: string
      /// Total energy in J (integer, split 6:3:1 over gpu:0, gpu:1 and an estimated cpu:package-0).
      TotalJ: int
      OutputTokens: int64
      DurationS: float
      TtftP50Ms: float
      Warnings: WarningRecord list
      /// Write a power/temperature time series beside the raw record.
      TimeSeries: bool
      /// Leave the run without its DONE marker (an interrupted run).
      Incomplete: bool
      /// No energy could be measured (the GPU figure is unavailable) and no latency was recorded.
      Sparse: bool
      /// The `prompts` parameter as records write it (a call), when the run has one.
      Prompts: string option
      /// The validity verdict stored in the record.
      Validity: ValidityVerdict option }

let private started = DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)

let private name batch precision = $"grid[batching.batch_size={batch},precision={precision}]"

let run experiment cycle batch precision totalJ durationS =
    { Experiment = experiment; Cycle = cycle; BatchSize = batch; Precision = precision; TotalJ = totalJ
      OutputTokens = 1000L; DurationS = durationS; TtftP50Ms = 20.0 + float batch
      Warnings = []; TimeSeries = false; Incomplete = false; Sparse = false; Prompts = None; Validity = None }

/// The standard set: a 2 × 2 grid (batching.batch_size 1, 8 × precision fp16, bf16), three cycles each, and one
/// experiment `single` (batch size 4, fp32) with one cycle. 1000 output tokens per run. Means over the cycles:
///
///   experiment           J per output token       output tokens/s
///   bs 1, fp16           (500+520+540)/3/1000 = 0.52    1000/20 = 50
///   bs 1, bf16           (480+500+520)/3/1000 = 0.50    1000/18 = 55.56
///   bs 8, fp16           (280+300+320)/3/1000 = 0.30    1000/5  = 200
///   bs 8, bf16           (300+320+340)/3/1000 = 0.32    1000/4  = 250
///   single (bs 4, fp32)  900/1000             = 0.90    1000/10 = 100
///
/// Pareto front (minimise J per token, maximise tokens/s): bs 8 fp16 (least energy) and bs 8 bf16 (most throughput);
/// every other experiment is beaten in both by bs 8 fp16. Run (bs 1, fp16, cycle 0) has a time series; run (bs 8,
/// bf16, cycle 2) a warning; one more run of `single` is incomplete and must be left out.
let standard =
    [ for cycle in 0..2 do
          run (name 1 "fp16") cycle 1 "fp16" (500 + 20 * cycle) 20.0
          run (name 1 "bf16") cycle 1 "bf16" (480 + 20 * cycle) 18.0
          run (name 8 "fp16") cycle 8 "fp16" (280 + 20 * cycle) 5.0
          { run (name 8 "bf16") cycle 8 "bf16" (300 + 20 * cycle) 4.0 with
              Warnings =
                if cycle = 2 then [ WarningRecord("gpu-throttled", "GPU 0 was power-capped for 1.2 s of the window.", "Check cooling and the power limit.") ]
                else [] }
      run "single" 0 4 "fp32" 900 10.0
      { run "single" 1 4 "fp32" 950 10.0 with Incomplete = true } ]
    |> List.map (fun r -> if r.Experiment = name 1 "fp16" && r.Cycle = 0 then { r with TimeSeries = true } else r)

let private parameters (r: FakeRun) =
    let config = Dictionary<string, ParameterRecord>(StringComparer.Ordinal)
    config["model"] <- ParameterRecord(JsonValue.Create "synthetic(\"llama-3.2-1b\")", "fixture.lem:2")
    config["backend"] <- ParameterRecord(JsonValue.Create "torchsharp", "fixture.lem:3")
    config["precision"] <- ParameterRecord(JsonValue.Create r.Precision, "fixture.lem:4")
    config["batching.batch_size"] <- ParameterRecord(JsonValue.Create r.BatchSize, "fixture.lem:5")
    config["max_new_tokens"] <- ParameterRecord(JsonValue.Create 128, "default")
    r.Prompts |> Option.iter (fun prompts -> config["prompts"] <- ParameterRecord(JsonValue.Create prompts, "fixture.lem:6"))
    config :> IReadOnlyDictionary<string, ParameterRecord>

let private latency (r: FakeRun) =
    let summary (p50: float) = LatencySummary(100L, Nullable(p50 * 1.1), Nullable p50, Nullable(p50 * 1.5), Nullable(p50 * 1.8), Nullable(p50 * 2.0))
    let d = Dictionary<string, LatencySummary>(StringComparer.Ordinal)
    d[LatencyNames.Ttft] <- summary r.TtftP50Ms
    d[LatencyNames.Itl] <- summary (10.0 + float r.BatchSize)
    d[LatencyNames.Tpot] <- summary (11.0 + float r.BatchSize)
    d :> IReadOnlyDictionary<string, LatencySummary>

let private series (r: FakeRun) =
    [ for i in 0..20 do
          let t = float i * 0.1
          TimeSeriesPoint(t, "gpu0_avg_power_w", 300.0 + float i)
          TimeSeriesPoint(t, "gpu0_instant_power_w", 290.0 + float (i % 5) * 5.0)
          TimeSeriesPoint(t, "gpu0_temperature_c", 60.0 + float i * 0.2)
          TimeSeriesPoint(t, "gpu0_sm_util_pct", 95.0) ]

/// Writes the runs into a results folder through ResultStore (begin, raw record with time series, DONE).
let write (folder: string) (runs: FakeRun list) =
    let store = ResultStore folder
    store.EnsureWritable()
    for r in runs do
        let id = store.BeginRun(r.Experiment, r.Cycle)
        let began = started.AddMinutes(float (r.Cycle * 10))
        let ended = began.AddSeconds r.DurationS
        let metrics = Dictionary<string, float>(StringComparer.Ordinal)
        metrics["gpu0_temperature_max_c"] <- 70.0 + float r.Cycle
        let energy =
            if r.Sparse then
                [ EnergyRecord("gpu:0", Nullable(), EnergySource.Unavailable, "nvml-total-energy-counter", "NVML not found") ]
            else
                [ EnergyRecord("gpu:0", Nullable(float (r.TotalJ * 6 / 10)), EnergySource.MeasuredCounter, "nvml-total-energy-counter")
                  EnergyRecord("gpu:1", Nullable(float (r.TotalJ * 3 / 10)), EnergySource.MeasuredCounter, "nvml-total-energy-counter")
                  EnergyRecord("cpu:package-0", Nullable(float (r.TotalJ / 10)), EnergySource.Estimated, "utilisation x TDP") ]
        let latencies =
            if r.Sparse then Dictionary<string, LatencySummary>() :> IReadOnlyDictionary<_, _> else latency r
        let record =
            RawRecord(
                ToolVersion = "0.1.0-test",
                RunId = id,
                Experiment = r.Experiment,
                Cycle = r.Cycle,
                StartedUtc = began,
                EndedUtc = ended,
                Config = parameters r,
                Window = WindowRecord(r.DurationS, began, ended),
                Tokens = TokenCounts(100L, 25_600L, 25_600L, r.OutputTokens),
                Latency = latencies,
                Energy = energy,
                Warnings = r.Warnings,
                Validity = Option.toObj r.Validity,
                Metrics = metrics)
        store.WriteRawRecord(record, (if r.TimeSeries then series r else [])) |> ignore
        if not r.Incomplete then store.MarkComplete id |> ignore

/// A new results folder holding the standard runs.
let standardFolder () =
    let folder = Repo.tempFolder "lem-results"
    write folder standard
    folder
