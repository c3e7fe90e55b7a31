/// Lowers syntax values to the engine's ConfigValue, substituting names bound by `let`.
module Lem.Dsl.Checker.Lowering

open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax

type LetEnv = Map<string, ConfigValue>

/// A bare word is a name bound by `let` when one is bound; otherwise it is an enumerated value, except
/// where `wordsMustBind` says only a bound name makes sense (call arguments, numeric parameters):
/// then it is an unknown-name error.
let rec lower (lets: LetEnv) (wordsMustBind: bool) (report: SyntaxDiagnostic -> unit) (v: Value) : ConfigValue =
    match v.Kind with
    | Int i -> ConfigValue.Integer i
    | Dec d -> ConfigValue.Decimal d
    | Str s -> ConfigValue.Text s
    | Bool b -> ConfigValue.Boolean b
    | Dur(t, _) -> ConfigValue.Duration t
    | Word w ->
        match lets.TryFind w with
        | Some bound -> bound
        | None ->
            if wordsMustBind then
                let hint =
                    match RegistryAdapter.closest (lets |> Map.keys) w with
                    | Some c -> sprintf "; did you mean %s?" c
                    | None -> " (bind it with `let " + w + " = ...` or write a string in quotes)"
                report (SyntaxDiagnostic.error Codes.UnknownName v.Range (sprintf "unknown name '%s'%s" w hint))
            ConfigValue.Word w
    | List items -> ConfigValue.List(items |> List.map (lower lets wordsMustBind report) |> ResizeArray)
    | Call(name, positional, named) ->
        let pos = positional |> List.map (lower lets true report)
        let nam = named |> List.map (fun (n, x) -> KeyValuePair(n.Name, lower lets true report x))
        ConfigValue.Call(name, ResizeArray pos, ResizeArray nam)

/// Whether bare words are only meaningful as `let` names for a parameter of this kind.
let wordsMustBindFor (kind: ParameterKind option) =
    match kind with
    | Some ParameterKind.Choice
    | None -> false
    | Some _ -> true
