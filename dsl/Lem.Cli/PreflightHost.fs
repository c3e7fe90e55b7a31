/// Pre-flight for the language commands: the engine's PreflightChecker over this build's registry (the core checks and
/// every backend module's), and the analysis' output formats, as the PreflightService the checker calls.
module Lem.Cli.PreflightHost

open System.Collections.Generic
open System.IO
open Lem.Analysis
open Lem.Dsl.Checker
open Lem.Engine.Config
open Lem.Engine.Preflight

/// Why `analyze` could not write FILE: a format it does not write, or a folder that cannot be created or written.
let outputProblem (kind: OutputKind) (file: string) : string option =
    let problem =
        match kind with
        | PlotFile -> Analysis.formatProblem "write a plot" Analysis.plotExtensions file
        | ExportFile -> Analysis.formatProblem "export" Analysis.exportExtensions file
    problem
    |> Option.orElse (
        let full = Analysis.outputPath file
        WritableFolder.Problem(Path.GetDirectoryName full)
        |> Option.ofObj
        |> Option.map (fun why -> $"cannot write '{file}': {why}. Remedy: write it to a folder that can be written (paths are relative to the working folder).")
    )

/// The values with results.dir set to `--results FOLDER`, where it is given (as every run of the script then writes there).
let withResultsDir (resultsOverride: string option) (values: IReadOnlyDictionary<string, ResolvedValue>) =
    match resultsOverride with
    | Some folder ->
        let copy = Dictionary<string, ResolvedValue>(values)
        copy["results.dir"] <- ResolvedValue(ConfigValue.Text(Path.GetFullPath folder), Provenance.CommandLine("--results"))
        copy :> IReadOnlyDictionary<_, _>
    | None -> values

/// The pre-flight of a script at `scriptPath` (relative paths in it are relative to its folder, as the runner reads
/// them). `absentDeviceIsError`: true for `lem run`, false for `lem check` and dry runs. `resultsOverride`: `--results`.
let create (scriptPath: string) (absentDeviceIsError: bool) (resultsOverride: string option) : PreflightService =
    let checker = PreflightChecker(Composition.registry, PreflightOptions(AbsentDeviceIsError = absentDeviceIsError))
    let baseFolder = Path.GetDirectoryName(Path.GetFullPath scriptPath)
    { Experiment = fun values -> checker.Check(withResultsDir resultsOverride values, baseFolder) |> List.ofSeq
      Output = outputProblem }
