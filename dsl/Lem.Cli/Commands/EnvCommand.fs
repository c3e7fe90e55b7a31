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
    0
