/// How `lem` reports failures: one line naming the thing and the remedy, a non-zero exit, no stack trace
/// (set LEM_DEBUG=1 to see one).
module Lem.Cli.UserError

open System

/// A failure the user can act on; the message already says what and how to fix it.
exception LemUserError of message: string
    with
        // the plain message where it is caught as an exn (the default would print `LemUserError "..."`)
        override this.Message = this.message

let fail (message: string) = raise (LemUserError message)

/// Exceptions whose message is written for users (one line with the remedy).
let private userMessage (e: exn) =
    match e with
    | LemUserError message -> Some message
    | :? Lem.Engine.Inference.InferenceException as e -> Some e.Message
    | :? Lem.Engine.InputTextException as e -> Some e.Message
    | :? Lem.Engine.Flops.FlopsInputException as e -> Some e.Message
    | :? Lem.Engine.Results.ResultsException as e -> Some e.Message
    | :? Lem.Engine.Workload.WorkloadException as e -> Some e.Message
    | :? Lem.Engine.Running.RunnerException as e -> Some e.Message
    | :? Lem.Engine.Config.ConfigException as e -> Some e.Message
    | :? Lem.Analysis.AnalysisException as e -> Some e.Message

    | :? IO.FileNotFoundException as e -> Some e.Message
    | :? IO.DirectoryNotFoundException as e -> Some e.Message
    | :? UnauthorizedAccessException as e -> Some e.Message
    | _ -> None

/// True for exceptions whose message is written for users.
let isUserFacing (e: exn) = (userMessage e).IsSome

/// Runs a command; turns failures into one line on stderr and exit code 1.
let guard (command: unit -> int) : int =
    try
        command ()
    with e ->
        let e = match e with :? AggregateException as a when a.InnerExceptions.Count = 1 -> a.InnerException | _ -> e
        match userMessage e with
        | Some message -> eprintfn "lem: error: %s" message
        | None -> eprintfn "lem: internal error: %s: %s (please report it; LEM_DEBUG=1 shows the stack trace)" (e.GetType().Name) e.Message
        if Environment.GetEnvironmentVariable "LEM_DEBUG" = "1" then eprintfn "%O" e
        1
