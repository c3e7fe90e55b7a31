// scripts/lem.fsx — lem from F# Interactive: check, plan and run .lem scripts, and load results as Deedle frames.
//
// It loads the assemblies of the Debug build, so build first:   dotnet build dsl/Lem.Cli
// (Deedle, FParsec and the rest are in that folder too; no `#r "nuget: ..."` is needed.)
//
//   #load "scripts/lem.fsx"
//   Lem.check "examples/quickstart.lem"                 // true when valid; diagnostics printed as by `lem check`
//   Lem.plan "examples/quickstart.lem"                  // prints every resolved parameter and its origin (lem plan)
//   Lem.run "examples/quickstart.lem"                   // runs it as `lem run` does; returns the exit code
//   Lem.eval "experiment x { max_new_tokens = 4 }\nrun x" // a snippet, run as a script in the current folder
//   let frame = Lem.results "results"                   // Deedle Frame<string, string>: one row per completed run
//   Lem.summary frame [ "batching.batch_size" ] [ "energy_per_output_token_j" ] |> Lem.print
//
// Results, manifests and relative results.dir are relative to the current folder, as with the lem command.

#r "../dsl/Lem.Cli/bin/Debug/net10.0/Lem.Engine.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/Lem.Backends.TorchSharp.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/TorchSharp.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/FParsec.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/FParsecCS.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/YamlDotNet.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/Lem.Dsl.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/Deedle.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/Lem.Analysis.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/Argu.dll"
#r "../dsl/Lem.Cli/bin/Debug/net10.0/lem.dll"

open System
open System.IO
open Deedle

// TorchSharp finds its native libraries through the app's deps.json, which F# Interactive does not have: load the
// build's copies (libLibTorchSharp.so there is the one the build patched) by path, dependencies first.
do
    let native = Path.Combine(__SOURCE_DIRECTORY__, "..", "dsl", "Lem.Cli", "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native")
    if OperatingSystem.IsLinux() && Directory.Exists native then
        for lib in [ "libc10.so"; "libtorch_cpu.so"; "libtorch.so"; "libLibTorchSharp.so" ] do
            let path = Path.Combine(native, lib)
            if File.Exists path then Runtime.InteropServices.NativeLibrary.Load path |> ignore

// The functions below are the script's module, Lem (the file name): Lem.check, Lem.run...

/// The registry scripts are checked against: the one the lem command uses.
let private registry = Lem.Cli.Commands.ScriptCommands.registry

/// Runs the lem command line in this process (same output and exit code as the `lem` executable).
let command (args: string list) : int = Lem.Cli.Program.main (Array.ofList args)

/// `lem check FILE`: true when the script (or original YAML config) has no errors; diagnostics go to stderr.
let check (file: string) : bool = command [ "check"; file ] = 0

/// `lem plan FILE`: prints the expanded experiments with every resolved parameter and its origin.
let plan (file: string) : unit = command [ "plan"; file ] |> ignore

/// The plan as JSON (`lem plan --json FILE`), or the diagnostics' text when the script has errors.
let planJson (file: string) : Result<string, string> =
    let program = Lem.Dsl.Api.checkFile registry [] file
    if Lem.Dsl.Api.hasErrors program then Result.Error(String.Join("\n", Lem.Dsl.Api.render program.Diagnostics))
    else Result.Ok(Lem.Dsl.Api.planJson registry program)

/// `lem run FILE`: runs the script's statements (completed runs are skipped); returns the exit code.
let run (file: string) : int = command [ "run"; file ]

/// `lem run --fresh FILE`: runs everything again.
let runFresh (file: string) : int = command [ "run"; "--fresh"; file ]

/// Runs a snippet of .lem as a script named fsi.lem in the current folder (imports are relative to it, and its
/// runs are resumed like a file's); returns the exit code. Nothing is written besides the results.
let eval (snippet: string) : int =
    let path = Path.Combine(Environment.CurrentDirectory, "fsi.lem")
    Lem.Cli.UserError.guard (fun () ->
        let program = Lem.Dsl.Api.checkText registry [] path snippet
        for line in Lem.Dsl.Api.render program.Diagnostics do eprintfn "%s" line
        if Lem.Dsl.Api.hasErrors program then 1
        else
            let resultsDirOf (experiment: string) =
                match (Lem.Dsl.Api.fullValues registry program experiment).TryGetValue "results.dir" with
                | true, v ->
                    match v.Value with
                    | :? Lem.Engine.Config.ConfigValue.Text as t -> t.Value
                    | other -> string other
                | _ -> "results"
            use runner = new Lem.Engine.Running.ExperimentRunner(Lem.Cli.Composition.services Console.Error System.Threading.CancellationToken.None)
            let options = Lem.Cli.ScriptHost.defaultOptions path
            // the results folders are locked as the runs first use them, until the snippet has run
            use held = new Lem.Cli.ScriptHost.HeldFolders()
            let host = Lem.Cli.ScriptHost.create options held 0 runner resultsDirOf
            let failures = Lem.Dsl.Api.run registry host program
            for line in Lem.Dsl.Api.render failures do eprintfn "%s" line
            if failures.IsEmpty then 0 else 1)

/// The completed runs of a results folder as a Deedle frame keyed by run id (columns: docs/results.md).
let results (folder: string) : Frame<string, string> = Lem.Analysis.Results.load folder

/// Statistics across cycles per group (n, mean, std, cv, 95% CI per metric); no grouping column: by experiment.
let summary (frame: Frame<string, string>) (by: string list) (metrics: string list) : Frame<string, string> =
    Lem.Analysis.Results.summary frame by metrics

/// Prints a frame as a text table.
let print (frame: Frame<string, string>) = frame.Print()
