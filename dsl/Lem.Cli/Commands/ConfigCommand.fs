/// `lem config params [--json|--markdown]` and `lem config convert FILE.yaml`.
module Lem.Cli.Commands.ConfigCommand

open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Engine.Config

let run (args: ParseResults<ConfigArgs>) =
    match args.GetSubCommand() with
    | ConfigArgs.Params p ->
        let registry = Composition.registry
        let text =
            if p.Contains ConfigParamsArgs.Json then ParameterTable.ToJson registry
            elif p.Contains ConfigParamsArgs.Markdown then ParameterTable.ToMarkdown registry
            else ParameterTable.ToText registry
        printf "%s" (if text.EndsWith "\n" then text else text + "\n")
        0
    | ConfigArgs.Convert c -> ScriptCommands.convertYaml (c.GetResult ConfigConvertArgs.Yaml)
