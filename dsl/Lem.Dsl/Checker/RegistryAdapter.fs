/// The checker's only view of the engine's parameter registry.
///
/// TEMPORARY PART: `localValidate` and `localSuggest` stand in for ConfigValidator.Validate and
/// ParameterRegistry.Suggest, which the config helper is adding to Lem.Engine.Config. Once merged,
/// set `engine.Validate` to `ConfigValidator.Validate >> List.ofSeq` and `engine.Suggest` to
/// `ParameterRegistry.Suggest >> Option.ofObj`, and delete the two local functions. Nothing else changes.
module Lem.Dsl.Checker.RegistryAdapter

open System
open System.Collections.Generic
open Lem.Engine.Config

type Registry =
    { TryGet: string -> ParameterDefinition option
      All: ParameterDefinition list
      Sections: Set<string>
      /// Validates the values a script set (not the defaults). Diagnostics name the Parameter.
      Validate: IReadOnlyDictionary<string, ResolvedValue> -> Diagnostic list
      /// The closest registry name, or None when nothing is close.
      Suggest: string -> string option }

/// Edit distance, for "did you mean" (see Syntax.Suggest).
let editDistance = Lem.Dsl.Syntax.Suggest.editDistance

/// The closest candidate, or None (see Syntax.Suggest).
let closest candidates name = Lem.Dsl.Syntax.Suggest.closest candidates name

let private localSuggest (name: string) =
    closest (ParameterRegistry.All |> Seq.map (fun d -> d.Name)) name

let private inRange (d: ParameterDefinition) (x: float) =
    (not d.Min.HasValue || x >= d.Min.Value) && (not d.Max.HasValue || x <= d.Max.Value)

let private rangeText (d: ParameterDefinition) =
    let unit = if isNull d.Unit then "" else " " + d.Unit
    match Option.ofNullable d.Min, Option.ofNullable d.Max with
    | Some lo, Some hi -> sprintf "between %g and %g%s" lo hi unit
    | Some lo, None -> sprintf "at least %g%s" lo unit
    | None, Some hi -> sprintf "at most %g%s" hi unit
    | None, None -> ""

let private kindText (k: ParameterKind) =
    match k with
    | ParameterKind.Integer -> "an integer"
    | ParameterKind.Decimal -> "a number"
    | ParameterKind.Boolean -> "true or false"
    | ParameterKind.Text -> "a string in quotes"
    | ParameterKind.Choice -> "one of the allowed words"
    | ParameterKind.Duration -> "a duration such as 30s"
    | ParameterKind.Model -> "a model folder path in quotes or synthetic(\"PRESET\")"
    | ParameterKind.Prompts -> "a prompt source such as synthetic(count = 8, input_tokens = 32)"
    | ParameterKind.TextList -> "a list of strings"
    | _ -> "a value"

let private check (d: ParameterDefinition) (v: ConfigValue) : (string * string) option =
    let wrongType () = Some("LEM1002", sprintf "%s expects %s, got %O" d.Name (kindText d.Kind) v)
    let outOfRange (x: float) =
        if inRange d x then None
        else Some("LEM1004", sprintf "%s = %O is out of range: it must be %s" d.Name v (rangeText d))
    match d.Kind, v with
    | ParameterKind.Integer, (:? ConfigValue.Integer as i) -> outOfRange (float i.Value)
    | ParameterKind.Decimal, (:? ConfigValue.Integer as i) -> outOfRange (float i.Value)
    | ParameterKind.Decimal, (:? ConfigValue.Decimal as x) -> outOfRange x.Value
    | ParameterKind.Boolean, (:? ConfigValue.Boolean) -> None
    | ParameterKind.Text, (:? ConfigValue.Text) -> None
    | ParameterKind.Duration, (:? ConfigValue.Duration as t) -> outOfRange t.Value.TotalSeconds
    | ParameterKind.Choice, (:? ConfigValue.Word as w) when Seq.contains w.Value d.AllowedValuesOrEmpty -> None
    | ParameterKind.Choice, (:? ConfigValue.Text as w) when Seq.contains w.Value d.AllowedValuesOrEmpty -> None
    | ParameterKind.Choice, (:? ConfigValue.Word | :? ConfigValue.Text) ->
        let written = match v with :? ConfigValue.Word as w -> w.Value | :? ConfigValue.Text as t -> t.Value | _ -> ""
        let hint = match closest d.AllowedValuesOrEmpty written with Some c -> sprintf "; did you mean %s?" c | None -> ""
        Some("LEM1003", sprintf "%s = %s is not allowed: use one of %s%s" d.Name written (String.Join(", ", d.AllowedValuesOrEmpty)) hint)
    | ParameterKind.Model, (:? ConfigValue.Text) -> None
    | ParameterKind.Model, (:? ConfigValue.Call as c) when c.Name = "synthetic" && c.Positional.Count = 1 && (c.Positional[0] :? ConfigValue.Text) && c.Named.Count = 0 -> None
    | ParameterKind.Prompts, (:? ConfigValue.Call as c) when c.Name = "synthetic" ->
        let known = set [ "count"; "input_tokens" ]
        let bad =
            c.Named
            |> Seq.tryPick (fun kv ->
                match kv.Value with
                | _ when not (known.Contains kv.Key) -> Some(sprintf "synthetic() has no argument '%s' (it takes count and input_tokens)" kv.Key)
                | :? ConfigValue.Integer as i when i.Value >= 1L -> None
                | _ -> Some(sprintf "synthetic(%s = ...) needs a positive integer, got %O" kv.Key kv.Value))
        match bad, c.Positional.Count with
        | Some m, _ -> Some("LEM1002", m)
        | None, 0 -> None
        | None, _ -> Some("LEM1002", "synthetic() prompts take named arguments: synthetic(count = 8, input_tokens = 32)")
    | ParameterKind.Prompts, (:? ConfigValue.Call as c) when c.Name = "file" -> None
    | ParameterKind.TextList, (:? ConfigValue.List as l) when l.Items |> Seq.forall (fun x -> x :? ConfigValue.Text) -> None
    | _ -> wrongType ()

let private localValidate (values: IReadOnlyDictionary<string, ResolvedValue>) : Diagnostic list =
    [ for kv in values do
          match ParameterRegistry.TryGet kv.Key with
          | true, d ->
              match check d kv.Value.Value with
              | Some(code, message) -> Diagnostic(code, Severity.Error, message, kv.Key, kv.Value.From)
              | None -> ()
          | _ ->
              let hint = match localSuggest kv.Key with Some s -> sprintf "; did you mean %s?" s | None -> ""
              Diagnostic("LEM1001", Severity.Error, sprintf "unknown parameter '%s'%s" kv.Key hint, kv.Key, kv.Value.From) ]

/// The registry of the engine.
let engine: Registry =
    { TryGet = fun name -> match ParameterRegistry.TryGet name with | true, d -> Some d | _ -> None
      All = List.ofSeq ParameterRegistry.All
      Sections = Set.ofSeq ParameterRegistry.Sections
      Validate = localValidate
      Suggest = localSuggest }

/// Code for a parameter that does not apply to the experiment's backend (checked here, not by the validator).
let NotApplicable = "LEM1005"
