/// The command line that runs one planned run in a process of its own, `lem run FILE --only KEY` with the flags of the
/// command that planned it (so that the process plans the same runs, with the same config hashes), started with this
/// same lem. `lem run --on slurm` writes it into each array task; anything else that runs planned runs in fresh
/// processes can take it from here.
module Lem.Cli.RunOnlyCommand

open System
open System.IO

/// The flags of the planning command that a single run's process must be given too.
type PlannedWith =
    { /// --set PATH=VALUE, as given (they change the resolved values, and so the config hashes).
      Overrides: string list
      /// --results DIR.
      Results: string option
      MaxRuns: int option
      /// --fresh: run it again even when a complete folder holds it.
      Fresh: bool }

/// How this lem was started, as a program and the arguments before lem's own: the running executable (`lem`, the
/// single-file build), or the `dotnet` host and lem.dll (`dotnet lem.dll`, `dotnet run`).
let thisLem () : string list =
    let processPath = Environment.ProcessPath
    let entry = Reflection.Assembly.GetEntryAssembly() |> Option.ofObj |> Option.map (fun a -> a.Location) |> Option.defaultValue ""
    if Path.GetFileNameWithoutExtension processPath = "dotnet" && entry <> "" then [ processPath; entry ] else [ processPath ]

/// lem's arguments that run only KEY of SCRIPT: `run SCRIPT --only KEY`, then the flags it was planned with (SCRIPT and
/// --results made absolute, so that the process may start in another folder).
let arguments (script: string) (key: string) (flags: PlannedWith) : string list =
    [ yield "run"
      yield Path.GetFullPath script
      yield "--only"
      yield key
      match flags.Results with
      | Some folder ->
          yield "--results"
          yield Path.GetFullPath folder
      | None -> ()
      for assignment in flags.Overrides do
          yield "--set"
          yield assignment
      match flags.MaxRuns with
      | Some n ->
          yield "--max-runs"
          yield string n
      | None -> ()
      if flags.Fresh then yield "--fresh" ]
