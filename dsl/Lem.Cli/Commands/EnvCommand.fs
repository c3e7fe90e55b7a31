/// `lem env`: the environment (validity metadata) and each meter's health.
module Lem.Cli.Commands.EnvCommand

open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Engine.Measurement
open Lem.Engine.Meters.Gpu

/// The JSON of `lem env --json`: snake_case names, enums as kebab-case text (as in result records), never integers.
let json (value: obj) =
    let options = System.Text.Json.JsonSerializerOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower)
    options.Converters.Add(System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower))
    System.Text.Json.JsonSerializer.Serialize(value, options)

let run (args: ParseResults<EnvArgs>) =
    let rounds = args.GetResult(EnvArgs.Throughput_Rounds, defaultValue = ThroughputComparisonOptions().Rounds)
    if rounds <> 0 && (rounds < 4 || rounds % 2 <> 0) then
        Lem.Cli.UserError.fail $"--throughput-rounds {rounds}: the comparison needs an even number of rounds, at least 4 (half with the sampler), or 0 to skip it."
    let gpuPlatforms = GpuPlatforms.Installed()
    let environment = EnvironmentInfo.Collect(gpuPlatforms)
    let device =
        match args.TryGetResult EnvArgs.Device with
        | Some d ->
            match Lem.Engine.Config.DeviceSpec.TryParse d with
            | true, _ -> d
            | _ -> Lem.Cli.UserError.fail $"--device {d}: write \"cpu\" or \"cuda:N\", for example --device cuda:0."
        | None -> if environment.Gpus.Count > 0 then "cuda:0" else "cpu"
    // a steady device load for the checks, from the first backend module that can make one
    let deviceLoad () =
        match Composition.modules |> List.tryPick (fun m -> Option.ofObj m.DeviceLoad) with
        | Some load -> load
        | None -> Lem.Cli.UserError.fail "no backend in this build of lem can put a steady load on a GPU, which the self-check and the overhead comparison need."
    use meters = MeterSet.Create(MeterOptions([ device ]), gpuPlatforms)
    let carbon = meters.ResolveCarbonIntensityAsync().GetAwaiter().GetResult()
    if args.Contains EnvArgs.Json then
        // the environment and meters under the names result records use (Lem.Engine.Running.EnvironmentJson)
        let output = System.Text.Json.Nodes.JsonObject()
        output["environment"] <- Lem.Engine.Running.EnvironmentJson.Of environment
        output["meters"] <- Lem.Engine.Running.EnvironmentJson.Of meters.Health
        output["carbon_intensity"] <- System.Text.Json.Nodes.JsonNode.Parse(json (box carbon))
        let options = System.Text.Json.JsonSerializerOptions(WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
        printfn "%s" (output.ToJsonString options)
    else
        printfn "%s" (environment.Render())
        printfn ""
        printfn "%s" (meters.RenderHealth carbon)
    match Option.ofObj meters.Gpu with
    | Some gpu when args.Contains EnvArgs.Self_Check ->
        let report =
            let load = deviceLoad ()
            MeterSelfCheck.Run(gpu, (fun d -> load.Run(device, d) |> ignore), (fun () -> load.Synchronize device))
        printfn "\nmeter self-check:\n%s" (report.Render())
    | None when args.Contains EnvArgs.Self_Check -> Lem.Cli.UserError.fail "--self-check needs a GPU device (--device cuda:N) with NVML."
    | _ -> ()
    match args.TryGetResult EnvArgs.Sampler_Overhead with
    | Some _ when environment.Gpus.Count = 0 ->
        Lem.Cli.UserError.fail "--sampler-overhead needs NVML and a GPU to sample; none was found (see the gpu line above). Remedy: run it on a machine with an NVIDIA GPU and driver."
    | Some seconds ->
        let report = SamplerOverheadBenchmark.Run(gpuPlatforms, System.TimeSpan.FromSeconds(float seconds), System.TimeSpan.FromMilliseconds 100.0)
        printfn "\nsampler overhead:\n%s" (report.Render())
        match Option.ofObj meters.Gpu with
        | Some gpu when gpu.Gpus.Count > 0 ->
            printfn "\n%s call cost on %s (mean of 200 calls):" gpu.Terms.Library gpu.Gpus[0].Label
            for call, us in GpuCallCost.Measure(gpu.Gpus[0], gpu.Terms) do
                printfn "  %-42s %8.1f us" call us
        | _ -> ()
        if rounds > 0 then
            let options = ThroughputComparisonOptions(Rounds = rounds)
            let comparison =
                if device = "cpu" then
                    let load = CpuInferenceLoad(threads = System.Environment.ProcessorCount)
                    SamplerOverheadBenchmark.CompareThroughput(gpuPlatforms, (fun d -> load.RunFor d), load.Describe(), load.Unit, options)
                else
                    let load = deviceLoad ()
                    SamplerOverheadBenchmark.CompareThroughput(gpuPlatforms, (fun d -> load.Run(device, d)), load.Describe device, load.Unit, options)
            printfn "\n%s" (comparison.Render())
    | None -> ()
    0
