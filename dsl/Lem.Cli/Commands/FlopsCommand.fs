/// `lem flops`: parameter counts and analytical / parameter-based FLOPs from config.json alone.
module Lem.Cli.Commands.FlopsCommand

open Argu
open Lem.Cli.Arguments
open Lem.Engine.Flops

let run (args: ParseResults<FlopsArgs>) =
    let report =
        FlopsReport.Compute(
            args.GetResult FlopsArgs.Model,
            args.GetResult FlopsArgs.Prompt_Tokens,
            args.GetResult FlopsArgs.New_Tokens,
            args.GetResult(FlopsArgs.Batch, defaultValue = 1))
    printfn "%s" (if args.Contains FlopsArgs.Json then report.ToJson() else report.ToText())
    0
