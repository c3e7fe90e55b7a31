module Lem.Cli.Program

open Argu
open Lem.Cli.Arguments
open Lem.Cli.Commands

/// <param name="command">`lem measure`: what follows its `--` (the program and its arguments, never parsed by lem).</param>
let private dispatch (command: string list) (results: ParseResults<LemArgs>) =
    match results.TryGetSubCommand() with
    | Some(Run args) -> ScriptCommands.runCommand args
    | Some(Check args) -> ScriptCommands.checkCommand args
    | Some(Plan args) -> ScriptCommands.planCommand args
    | Some(Explain args) -> ScriptCommands.explainCommand args
    | Some(Repl args) -> ScriptCommands.replCommand args
    | Some(Experiment args) -> ScriptCommands.experimentCommand args
    | Some(Config args) -> ConfigCommand.run args
    | Some(Model args) -> ModelCommand.run args
    | Some(Results args) -> ResultsCommand.run args
    | Some(Flops args) -> FlopsCommand.run args
    | Some(Env args) -> EnvCommand.run args
    | Some(Report args) -> ReportCommand.run args
    | Some(Measure args) -> MeasureCommand.run args command
    | Some(Daemon args) -> DaemonCommand.run args
    | Some Version
    | None when results.Contains Version ->
        printfn "lem %s" (Lem.Engine.Measurement.EnvironmentInfo.CurrentToolVersion())
        0
    | _ ->
        eprintfn "%s" (results.Parser.PrintUsage())
        2

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<LemArgs>(programName = "lem")
    // `lem measure [OPTIONS] -- PROGRAM ARGS...`: lem parses only what comes before the `--`
    let argv, command =
        match Array.tryHead argv, Array.tryFindIndex ((=) "--") argv with
        | Some "measure", Some dashes -> argv[.. dashes - 1], List.ofArray argv[dashes + 1 ..]
        | _ -> argv, []
    try
        let results = parser.ParseCommandLine(argv, raiseOnUsage = true)
        // a command without its subcommand (`lem config`) raises ArguParseException from GetSubCommand: usage, exit 2
        UserError.guard (fun () ->
            try
                dispatch command results
            with :? ArguParseException as e ->
                eprintfn "%s" e.Message
                2)
    with :? ArguParseException as e ->
        // --help lands here too (with exit code 0 and the usage on stdout)
        if e.ErrorCode = ErrorCode.HelpText then
            printfn "%s" e.Message
            0
        else
            eprintfn "%s" e.Message
            2
