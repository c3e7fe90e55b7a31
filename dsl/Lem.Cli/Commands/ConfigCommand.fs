/// `lem config params [--json]` and `lem config convert FILE.yaml`.
module Lem.Cli.Commands.ConfigCommand

open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Engine.Config

let run (args: ParseResults<ConfigArgs>) =
    match args.GetSubCommand() with
    | ConfigArgs.Params p ->
        printfn "%s" (if p.Contains ConfigParamsArgs.Json then ParameterTable.ToJson(Composition.registry) else ParameterTable.ToText(Composition.registry))
        0
    | ConfigArgs.Convert c -> ScriptCommands.convertYaml (c.GetResult ConfigConvertArgs.Yaml)
