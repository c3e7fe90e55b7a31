module Lem.Cli.Program

open Argu
open Lem.Cli.Arguments
open Lem.Cli.Commands

/// <param name="command">`lem measure`: what follows its `--` (the program and its arguments, never parsed by lem).</param>
let private dispatch (command: string list) (results: ParseResults<LemArgs>) =
    match results.TryGetSubCommand() with
    | Some(Run args) when args.Contains RunArgs.On -> SlurmCommands.submitCommand args
    | Some(Run args) -> ScriptCommands.runCommand args
    | Some(Status args) -> SlurmCommands.statusCommand args
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

/// What killed lem processes of this host left half-written in the cache (synthetic and converted models).
let private sweepCache () =
    try
        Lem.Engine.TemporaryFiles.Sweep(Lem.Engine.LemPaths.CacheRoot(), depth = 3) |> ignore
    with e when UserError.isUserFacing e || (e :? System.IO.IOException) -> ()

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
        // commands that run experiments stop after cleaning up; lem measure passes the signals on to its program; the
        // others stop at once (their temporaries and launched servers still go)
        match results.TryGetSubCommand() with
        | Some(Run _) | Some(Experiment _) -> Interruption.listen true
        | Some(Measure _) -> ()
        | _ -> Interruption.listen false
        sweepCache ()
        // a command without its subcommand (`lem config`) raises ArguParseException from GetSubCommand: usage, exit 2
        let code =
            UserError.guard (fun () ->
                try
                    dispatch command results
                with :? ArguParseException as e ->
                    eprintfn "%s" e.Message
                    2)
        // stopped by a signal: whatever the work said on its way out, lem says how far it got and exits 130 or 143
        if Interruption.requested () then Interruption.finish () else code
    with :? ArguParseException as e ->
        // --help lands here too (with exit code 0 and the usage on stdout)
        if e.ErrorCode = ErrorCode.HelpText then
            printfn "%s" e.Message
            0
        else
            eprintfn "%s" e.Message
            2
