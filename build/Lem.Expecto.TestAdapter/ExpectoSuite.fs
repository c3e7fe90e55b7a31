/// The Expecto tests of one test assembly: the value it marks with Expecto's [<Tests>] attribute, flattened into
/// test cases named as Expecto names them (the labels of the enclosing lists joined with Expecto's separator).
module Lem.Expecto.TestAdapter.ExpectoSuite

open System
open System.Reflection
open Expecto
open Expecto.Impl

/// The URI that ties the discovered test cases to this adapter's executor.
[<Literal>]
let ExecutorUri = "executor://lem/expecto"

/// What `dotnet run --project <suite>` uses too (its Main calls runTestsWithCLIArgs with no extra arguments).
let config = Tests.defaultConfig

type Loaded =
    { Source: string
      Tree: Test
      Tests: FlatTest list }

let fullName (test: FlatTest) = test.fullName config.joinWith.asString

/// Why a source gave no tests, when it should have: an Expecto assembly without a [<Tests>] value, or duplicate names.
exception SuiteError of string

/// The tests of a tree; fails on duplicate full names, whose results could not be told apart.
let ofTree (source: string) (tree: Test) =
    let tests = Test.toTestCodeList tree
    let duplicates = tests |> List.countBy fullName |> List.filter (fun (_, n) -> n > 1) |> List.map fst
    if not duplicates.IsEmpty then
        raise (SuiteError $"""{source}: these Expecto test names occur more than once, so their results cannot be told apart: {String.Join("; ", duplicates)}. Remedy: give each test a unique name.""")
    { Source = source; Tree = tree; Tests = tests }

/// None when the assembly does not use Expecto (not ours to run).
let load (source: string) : Loaded option =
    let assembly = Assembly.LoadFrom source
    let usesExpecto = assembly.GetReferencedAssemblies() |> Array.exists (fun a -> a.Name = "Expecto")
    if not usesExpecto then None
    else
        match testFromAssembly assembly with
        | None ->
            raise (SuiteError $"{source} uses Expecto but has no value marked [<Tests>]: mark the suite's root test list with [<Tests>] (not in the file holding [<EntryPoint>], whose values are set only when main runs)")
        | Some tree -> Some(ofTree source tree)
