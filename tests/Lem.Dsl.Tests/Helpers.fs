module Lem.Dsl.Tests.Helpers

open System.Collections.Generic
open System.IO
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.Checker

/// The registry the CLI composes from this build's backend modules (the examples use several backends).
let engineRegistry = Lem.Cli.Composition.registry

/// The registry the tests check against.
let registry = RegistryAdapter.ofRegistry engineRegistry

/// The registry plus a second backend, `other`, and a parameter only it takes, `fast_kernels`.
let registryWithOtherBackend =
    let extra = ParameterDefinition("fast_kernels", ParameterKind.Boolean, ConfigValue.Boolean false, "test only", Backends = [| "other" |])
    let backendDef = ParameterDefinition("backend", ParameterKind.Choice, ConfigValue.Word "torchsharp", "test", AllowedValues = [| "torchsharp"; "other" |])
    let all = (registry.All |> List.filter (fun d -> d.Name <> "backend")) @ [ backendDef; extra ]
    { registry with
        All = all
        TryGet = fun n -> all |> List.tryFind (fun d -> d.Name = n)
        Validate = fun values ->
            let known = values |> Seq.filter (fun kv -> kv.Key <> "fast_kernels" && kv.Key <> "backend") |> Seq.map (fun kv -> KeyValuePair(kv.Key, kv.Value))
            registry.Validate(Dictionary(known)) }

/// An in-memory file system rooted at /mem (files given relative to it); names shown relative to /mem.
let memoryFiles (files: (string * string) list) : SourceFiles =
    let table = files |> List.map (fun (p, t) -> Path.GetFullPath(Path.Combine("/mem", p)), t) |> Map.ofList
    { Read = fun p -> table.TryFind p
      Display = fun p -> Path.GetRelativePath("/mem", p).Replace('\\', '/') }

let optionsWith files =
    { defaultOptions registry with Files = memoryFiles files }

/// Checks `main.lem` with the given text and extra files.
let checkWith (extra: (string * string) list) (text: string) =
    checkText (optionsWith (("main.lem", text) :: extra)) "/mem/main.lem" text

let check text = checkWith [] text

let codes (p: CheckedProgram) = p.Diagnostics |> List.map (fun d -> d.Code)
let errors (p: CheckedProgram) = p.Diagnostics |> List.filter SyntaxDiagnostic.isError

/// (code, line, column) of every error.
let errorPlaces (p: CheckedProgram) = errors p |> List.map (fun d -> d.Code, d.Range.StartLine, d.Range.StartCol)

let valueOf (p: CheckedProgram) (experiment: string) (parameter: string) =
    p.Experiments[experiment].Values[parameter].Value.ToString()

let fromOf (p: CheckedProgram) (experiment: string) (parameter: string) =
    p.Experiments[experiment].Values[parameter].From.ToString()

let repoRoot =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "repository root not found"
        elif File.Exists(Path.Combine(d.FullName, "Directory.Packages.props")) then d.FullName
        else up d.Parent
    up (DirectoryInfo(System.AppContext.BaseDirectory))

let dump (p: CheckedProgram) = p.Diagnostics |> List.map SyntaxDiagnostic.render |> String.concat "\n"
