// lem's server client against a real llama.cpp llama-server on the CPU: TTFT, inter-chunk gaps and throughput as lem
// sees them, beside llama-server's own per-request timings for the same requests. Until the engine's request
// dispatcher lands (issue 13), this script is the dispatcher: a closed loop at a fixed concurrency.
// Run from the repository root, after `dotnet build engine/Lem.Backends.Server`:
//   dotnet fsi docs/benchmarks/2026-12-02-llama-server-cpu.fsx LLAMA_SERVER_BINARY MODEL.gguf [PROMPT_TOKENS OUTPUT_TOKENS REQUESTS]
#r "../../engine/Lem.Backends.Server/bin/Debug/net10.0/Lem.Engine.dll"
#r "../../engine/Lem.Backends.Server/bin/Debug/net10.0/Lem.Models.dll"
#r "../../engine/Lem.Backends.Server/bin/Debug/net10.0/Lem.Backends.Server.dll"

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.Collections.Generic
open Lem.Engine.Inference
open Lem.Backends.Server.Engines
open Lem.Backends.Server.Modules

let args = fsi.CommandLineArgs |> Array.skip 1
let binary, gguf = args.[0], args.[1]
let number i fallback = if args.Length > i then int args.[i] else fallback
let promptTokens, outputTokens, requestsPerLevel = number 2 128, number 3 64, number 4 12
let concurrencies = [ 1; 2; 4 ]
let slots = 4

type Recorder() =
    member val Sent = 0L with get, set
    member val Chunks = ConcurrentQueue<int64>()
    interface IRequestObserver with
        member this.OnSent ts = this.Sent <- ts
        member this.OnChunk(ts, _) = this.Chunks.Enqueue ts

let ms (ticks: int64) = float ticks * 1000.0 / float Stopwatch.Frequency
let pct (p: float) (xs: float list) =
    let a = xs |> List.sort |> Array.ofList
    if a.Length = 0 then nan else a.[min (a.Length - 1) (int (Math.Ceiling(p / 100.0 * float a.Length)) - 1 |> max 0)]
let mean (xs: float list) = if xs.IsEmpty then nan else List.average xs

let logs = IO.Path.Combine(IO.Path.GetTempPath(), "lem-llama-server-bench")
let moduleLs = ServerBackendModule(LlamaServer.Engine, logFolder = (fun () -> logs))
let options : IReadOnlyDictionary<string, obj> =
    dict [
        "server.command", box [| binary |]
        "server.ready_timeout", box (TimeSpan.FromMinutes 5.0)
        "server.request_timeout", box (TimeSpan.FromMinutes 5.0)
        "llama_server.n_gpu_layers", box 0L
        "llama_server.ctx_size", box (int64 (slots * (promptTokens + outputTokens + 16)))
        "llama_server.parallel", box (int64 slots)
        "llama_server.threads", box 2L
    ] |> Dictionary :> _
let model = moduleLs.Load(ModelLoadRequest(gguf, "bf16", "cpu", options))
printfn "server: %O" model.Facts.["llama_server_server_version"]
printfn "command: %O" model.Facts.["llama_server_command_line"]
printfn "model: %s, %d parameters, %d bytes" model.Info.ModelFolder model.Info.ParameterCount model.Info.WeightBytes

let rng = Random(42)
let vocab = 50000
let prompt i = InferenceRequest(i, Array.init promptTokens (fun _ -> rng.Next(1, vocab)), null)
let settings = GenerationSettings(outputTokens, outputTokens)

let runOne (request: InferenceRequest) = task {
    let r = Recorder()
    let! c = model.GenerateAsync(request, settings, r, Threading.CancellationToken.None)
    return request, r, c }

// warm-up (not measured): two requests
for i in 0 .. 1 do (runOne (prompt (1000 + i))).Result |> ignore

printfn ""
printfn "| concurrency | requests | output tok/s (lem, wall) | TTFT p50 / mean (lem) | prompt_ms mean (llama-server) | inter-chunk gap p50 / mean (lem) | predicted_per_token_ms mean (llama-server) | E2E mean (lem) | prompt_ms + predicted_ms mean (llama-server) | chunks/request | failed |"
printfn "|---|---|---|---|---|---|---|---|---|---|---|"
for concurrency in concurrencies do
    use meter = model.CreateMetricsMeter()
    let queue = ConcurrentQueue<InferenceRequest>([ for i in 0 .. requestsPerLevel - 1 -> prompt i ])
    let results = ConcurrentBag<InferenceRequest * Recorder * RequestCompletion>()
    meter.BeginWindow "measure"
    let start = Stopwatch.GetTimestamp()
    let worker () = task {
        let mutable next = Unchecked.defaultof<InferenceRequest>
        while queue.TryDequeue(&next) do
            let! r = runOne next
            results.Add r }
    Threading.Tasks.Task.WhenAll([| for _ in 1 .. concurrency -> worker () |]).Wait()
    let wall = ms (Stopwatch.GetTimestamp() - start) / 1000.0
    meter.CaptureWindowEnd()
    let window = meter.EndWindow()
    let ok = [ for (_, r, c) in results do if c.Succeeded then yield r, c ]
    let ttft = [ for (r, _) in ok -> ms (Seq.head r.Chunks - r.Sent) ]
    let gaps = [ for (r, _) in ok do yield! (r.Chunks |> Seq.pairwise |> Seq.map (fun (a, b) -> ms (b - a))) ]
    let e2e = [ for (r, _) in ok -> ms (Seq.last r.Chunks - r.Sent) ]
    let fact (c: RequestCompletion) name = c.Facts.[name]
    let promptMs = [ for (_, c) in ok -> fact c "llama_server_prompt_ms" ]
    let perToken = [ for (_, c) in ok -> fact c "llama_server_predicted_per_token_ms" ]
    let serverTotal = [ for (_, c) in ok -> fact c "llama_server_prompt_ms" + fact c "llama_server_predicted_ms" ]
    let tokens = ok |> List.sumBy (fun (_, c) -> c.OutputTokens.GetValueOrDefault())
    let chunks = [ for (r, _) in ok -> float r.Chunks.Count ]
    printfn "| %d | %d | %.1f | %.1f / %.1f ms | %.1f ms | %.1f / %.1f ms | %.1f ms | %.0f ms | %.0f ms | %.1f | %d |"
        concurrency ok.Length (float tokens / wall) (pct 50.0 ttft) (mean ttft) (mean promptMs) (pct 50.0 gaps) (mean gaps) (mean perToken)
        (mean e2e) (mean serverTotal) (mean chunks) (results.Count - ok.Length)
    for (_, _, c) in results do if not c.Succeeded then eprintfn "  failed: %s" c.Error
    let m name = match window.Metrics.TryGetValue name with | true, v -> sprintf "%.2f" v | _ -> "n/a"
    eprintfn "  concurrency %d: server metrics: running mean %s max %s, deferred max %s, generated %s tokens, decode calls %s, %s scrapes"
        concurrency (m "server_running_requests_mean") (m "server_running_requests_max") (m "server_waiting_requests_max")
        (m "server_generation_tokens") (m "server_decode_calls") (m "server_metrics_scrapes")
for w in model.Warnings do eprintfn "warning: %s" w
model.Dispose()
