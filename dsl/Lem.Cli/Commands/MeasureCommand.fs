/// `lem measure [--gpus ...] [--baseline 10s] [--out DIR] [--name NAME] -- PROGRAM ARGS...`: a program the user wrote,
/// measured in a window with the runner's meters, baseline, validity checks and record (Lem.Engine.Running.Commands).
module Lem.Cli.Commands.MeasureCommand

open System
open System.Collections.Generic
open System.IO
open System.Runtime.InteropServices
open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Engine.Config
open Lem.Engine.Running.Commands

/// The usage line of the command part, for errors.
let usage = "lem measure [--gpus cuda:0,...] [--baseline 10s] [--out DIR] [--name NAME] -- PROGRAM ARGS..."

/// The flag that sets each parameter, for errors.
let private flags = dict [ "measurement.gpus", "--gpus"; "baseline.duration", "--baseline"; "results.dir", "--out" ]

/// The settings the options give, as values set on the command line (with that provenance).
let private values (args: ParseResults<MeasureArgs>) =
    let values = Dictionary<string, ResolvedValue>()
    let set name (flag: string) value = values[name] <- ResolvedValue(value, Provenance.CommandLine flag)
    match args.TryGetResult MeasureArgs.Gpus with
    | Some text ->
        let devices = text.Split(',', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
        for d in devices do
            if not (fst (DeviceSpec.TryParse d)) then
                fail (sprintf "--gpus %s: '%s' is not a GPU. Remedy: name CUDA devices, comma-separated: --gpus cuda:0,cuda:1." text d)
        set "measurement.gpus" "--gpus" (ConfigValue.List [| for d in devices -> ConfigValue.Text d :> ConfigValue |])
    | None -> ()
    match args.TryGetResult MeasureArgs.Baseline with
    | Some text ->
        match DurationText.TryParse text with
        | true, duration -> set "baseline.duration" "--baseline" (ConfigValue.Duration duration)
        | _ -> fail (sprintf "--baseline %s is not a duration. Remedy: write it as 10s, 500ms or 2m." text)
    | None -> ()
    match args.TryGetResult MeasureArgs.Out with
    | Some folder -> set "results.dir" "--out" (ConfigValue.Text folder)
    | None -> ()
    values

let private config (args: ParseResults<MeasureArgs>) =
    try
        ExperimentConfig.From(values args, Composition.registry)
    with :? ConfigException as e ->
        let d = e.Diagnostics |> Seq.find (fun d -> d.Severity = Severity.Error)
        let flag = match d.Parameter with | null -> "lem measure" | p -> (match flags.TryGetValue p with | true, f -> f | _ -> p)
        fail (sprintf "%s: %s" flag d.Message)

/// Runs the program; lem's exit status is the program's (127/126 when it cannot start, as a shell's).
let run (args: ParseResults<MeasureArgs>) (command: string list) : int =
    if command.IsEmpty then
        eprintfn "lem: error: no command after --. Remedy: %s (for example lem measure --gpus cuda:0 -- python3 script.py)." usage
        2
    else
        let config = config args
        let working = Environment.CurrentDirectory
        let name = args.GetResult(MeasureArgs.Name, defaultValue = CommandRun.DefaultName command)
        let runner =
            CommandRunner(Composition.services Console.Error Threading.CancellationToken.None, SystemChildLauncher(), Console.OpenStandardOutput(), Console.OpenStandardError())
        // Ctrl-C and SIGTERM go on to the program; lem waits for it and writes the record marked interrupted
        use _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, fun context ->
            context.Cancel <- true
            runner.Interrupt CommandInterrupt.Interrupt)
        use _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, fun context ->
            context.Cancel <- true
            runner.Interrupt CommandInterrupt.Terminate)
        try
            let outcome = runner.Run(CommandRun(Array.ofList command, name, config, working))
            // lem's own lines go to stderr: stdout is the program's
            eprintfn "%s" outcome.Summary
            eprintfn "  exit status %d%s; output kept in %s" outcome.ExitCode (if outcome.Interrupted then " (interrupted)" else "") outcome.ResultFolder
            outcome.ExitCode
        with :? CommandStartException as e ->
            eprintfn "lem: error: %s" e.Message
            e.ExitCode
