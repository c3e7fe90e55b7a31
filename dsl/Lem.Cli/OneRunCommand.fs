/// The command line that runs one planned run of a script in a lem process of its own: `lem run SCRIPT --only KEY`
/// with the flags that make the run what it is in the parent (`--set` overrides, `--results`, `--max-runs`, `--fresh`)
/// and `--cold-start` where it is a cold start, started with this very lem (the single-file executable, or
/// `dotnet lem.dll`). A cold-start campaign starts one per run (ColdStart.fs); each task of a SLURM job array runs the same line
/// (Commands/SlurmCommands.fs).
module Lem.Cli.OneRunCommand

open System
open System.IO
open System.Reflection

/// What the one-run process must be told.
type Flags =
    { /// The script, as a full path (the child may run in another folder).
      Script: string
      /// The planned run's key (`lem run SCRIPT --keys` lists them).
      Key: string
      Overrides: string list
      /// `--results DIR` of the parent, as a full path.
      Results: string option
      MaxRuns: int option
      Fresh: bool
      /// The run is one run of a cold-start campaign: recorded as such (`cold_start` in its record's environment).
      ColdStart: bool }

/// lem's arguments for the one run.
let arguments (flags: Flags) : string list =
    [ yield "run"
      yield flags.Script
      yield "--only"
      yield flags.Key
      for o in flags.Overrides do
          yield "--set"
          yield o
      match flags.Results with
      | Some folder -> yield! [ "--results"; folder ]
      | None -> ()
      match flags.MaxRuns with
      | Some n -> yield! [ "--max-runs"; string n ]
      | None -> ()
      if flags.Fresh then yield "--fresh"
      if flags.ColdStart then yield "--cold-start" ]

/// This lem as a program to start: its own executable (the single-file `lem`, or the app host of a build), or, when it
/// runs as `dotnet lem.dll`, dotnet with the dll first.
let executable () : string * string list =
    let host = Environment.ProcessPath
    if isNull host then failwith "the path of the running lem is unknown (Environment.ProcessPath): cannot start a lem process per run"
    elif Path.GetFileNameWithoutExtension host = "dotnet" then host, [ Assembly.GetEntryAssembly().Location ]
    else host, []

/// The program and its whole argument list.
let commandLine (flags: Flags) : string * string list =
    let program, prefix = executable ()
    program, prefix @ arguments flags

/// This lem as shell words (the program, then the dll where it runs as `dotnet lem.dll`), for a script to start it.
let thisLem () : string list =
    let program, prefix = executable ()
    program :: prefix
