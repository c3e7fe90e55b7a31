/// `lem env`: the environment (validity metadata) and each meter's health.
module Lem.Cli.Commands.EnvCommand

open Argu
open Lem.Cli.Arguments
open Lem.Engine.Measurement
open Lem.Engine.Meters.Nvml

let run (args: ParseResults<EnvArgs>) =
    let environment = EnvironmentInfo.Collect(NvmlApi())
    let device =
        match args.TryGetResult EnvArgs.Device with
        | Some d ->
            // one line with the remedy for a device that is neither cpu nor cuda:N
            Lem.Backends.TorchSharp.Runtime.TorchRuntime.ParseDevice d |> ignore
            d
        | None -> if environment.Gpus.Count > 0 then "cuda:0" else "cpu"
    use meters = MeterSet.Create(MeterOptions([ device ]))
    let carbon = meters.ResolveCarbonIntensityAsync().GetAwaiter().GetResult()
    if args.Contains EnvArgs.Json then
        let json =
            System.Text.Json.JsonSerializer.Serialize(
                {| environment = environment; meters = meters.Health; carbon_intensity = carbon |},
                System.Text.Json.JsonSerializerOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower))
        printfn "%s" json
    else
        printfn "%s" (environment.Render())
        printfn ""
        printfn "%s" (meters.RenderHealth carbon)
    match Option.ofObj meters.Gpu with
    | Some gpu when args.Contains EnvArgs.Self_Check ->
        let report =
            MeterSelfCheck.Run(gpu, (fun d -> Lem.Backends.TorchSharp.Runtime.SteadyGpuLoad.Run(device, d)),
                               (fun () -> TorchSharp.torch.cuda.synchronize(TorchSharp.torch.Device device)))
        printfn "\nmeter self-check:\n%s" (report.Render())
    | None when args.Contains EnvArgs.Self_Check -> Lem.Cli.UserError.fail "--self-check needs a GPU device (--device cuda:N) with NVML."
    | _ -> ()
    match args.TryGetResult EnvArgs.Sampler_Overhead with
    | Some seconds ->
        let report = SamplerOverheadBenchmark.Run(NvmlApi(), System.TimeSpan.FromSeconds(float seconds), System.TimeSpan.FromMilliseconds 100.0)
        printfn "\nsampler overhead:\n%s" (report.Render())
        match Option.ofObj meters.Gpu with
        | Some gpu when gpu.Gpus.Count > 0 ->
            printfn "\nNVML call cost on %s (mean of 200 calls):" gpu.Gpus[0].Label
            for call, us in NvmlCallCost.Measure(NvmlApi(), gpu.Gpus[0].Device.Handle) do
                printfn "  %-42s %8.1f us" call us
        | _ -> ()
    | None -> ()
    0
