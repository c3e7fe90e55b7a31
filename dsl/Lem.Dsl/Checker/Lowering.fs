/// Lowers syntax values to the engine's ConfigValue, substituting names bound by `let`.
module internal Lem.Dsl.Checker.Lowering

open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.RegistryAdapter

type LetEnv = Map<string, ConfigValue>

/// Whether bare words are meaningful only as `let` names for a value of this kind.
let private wordsMustBind (kind: ParameterKind option) =
    match kind with
    | Some ParameterKind.Choice
    | None -> false
    | Some _ -> true

/// A bare word is a name bound by `let` when one is bound; otherwise it is an enumerated value, except
/// where `wordsMustBind` says only a bound name makes sense (a numeric parameter, a call argument that is
/// not a choice): then it is an unknown-name error. `calls` are the signatures of the calls the value may be.
let rec lowerWith (lets: LetEnv) (mustBind: bool) (calls: CallSignature list) (report: SyntaxDiagnostic -> unit) (v: Value) : ConfigValue =
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
            if mustBind then
                let hint =
                    match DidYouMean.closest (lets |> Map.keys) w with
                    | Some c -> sprintf "; did you mean '%s'?" c
                    | None -> " (bind it with `let " + w + " = ...` or write a string in quotes)"
                report (SyntaxDiagnostic.error Codes.UnknownName v.Range (sprintf "unknown name '%s'%s" w hint))
            ConfigValue.Word w
    | List items -> ConfigValue.List(items |> List.map (lowerWith lets mustBind [] report) |> ResizeArray)
    | Call(name, positional, named) ->
        let signature = calls |> List.tryFind (fun c -> c.Name = name)
        let argumentKind (argument: CallArgument option) =
            match signature, argument with
            | None, _ -> None
            | Some _, None -> None
            | Some _, Some a -> Some a.Kind
        let pos =
            positional
            |> List.mapi (fun i x ->
                let argument = signature |> Option.bind (fun s -> if i < s.Positional.Count then Some s.Positional[i] else None)
                lowerWith lets (wordsMustBind (argumentKind argument)) [] report x)
        let nam =
            named
            |> List.map (fun (n, x) ->
                let argument = signature |> Option.bind (fun s -> Option.ofObj (s.Argument n.Name))
                KeyValuePair(n.Name, lowerWith lets (wordsMustBind (argumentKind argument)) [] report x))
        ConfigValue.Call(name, ResizeArray pos, ResizeArray nam)

/// Lowers a value without knowing its parameter: bare words stay words unless bound.
let lower (lets: LetEnv) (mustBind: bool) (report: SyntaxDiagnostic -> unit) (v: Value) : ConfigValue =
    lowerWith lets mustBind [] report v

/// Lowers the value of a registry parameter: bare words must be bound where the parameter's kind says so, and
/// calls are read against the calls the parameter accepts.
let lowerFor (registry: Registry) (lets: LetEnv) (report: SyntaxDiagnostic -> unit) (path: string) (v: Value) : ConfigValue =
    let kind = registry.TryGet path |> Option.map (fun d -> d.Kind)
    lowerWith lets (wordsMustBind kind) (registry.CallsFor path) report v
