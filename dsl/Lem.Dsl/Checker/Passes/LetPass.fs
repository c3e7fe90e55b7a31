// Documented in LetPass.fsi.
module Lem.Dsl.Checker.Passes.LetPass

open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

let run (definitions: DefinitionTable) : Map<string, ConfigValue> * SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let mutable lets: Lowering.LetEnv = Map.empty
    for name in definitions.Order do
        match definitions.ByName[name] with
        | Let(n, v, _) -> lets <- lets.Add(n.Name, Lowering.lower lets false diagnostics.Add v)
        | _ -> ()
    lets, List.ofSeq diagnostics
