/// The checker's only view of the engine's parameter registry.
/// A record of functions, so that tests can check against a registry with extra parameters or backends.
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
      Suggest: string -> string option
      /// The calls a parameter accepts as its value (`synthetic`, `file` for `prompts`).
      CallsFor: string -> CallSignature list
      /// The backend the original LLenergyMeasure YAML calls by this name (`pytorch`), or one of that name.
      BackendForOriginalName: string -> string option
      /// The backends this build of lem has (the values of `backend`), in composition order.
      Backends: string list }

/// The closest candidate, or None (see Syntax.Suggest).
let closest candidates name = Lem.Dsl.Syntax.Suggest.closest candidates name

/// The checker's view of a registry composed from the core parameters and the backend modules.
let ofRegistry (registry: ParameterRegistry) : Registry =
    { TryGet = fun name -> match registry.TryGet name with | true, d -> Some d | _ -> None
      All = List.ofSeq registry.All
      Sections = Set.ofSeq registry.Sections
      Validate = fun values -> registry.Validate values |> List.ofSeq
      Suggest = fun name -> registry.Suggest name |> Option.ofObj
      CallsFor = fun name -> registry.CallsFor name |> List.ofSeq
      BackendForOriginalName = fun name -> registry.ModuleForOriginalName name |> Option.ofObj |> Option.map (fun m -> m.Name)
      Backends = registry.Modules |> Seq.map (fun m -> m.Name) |> List.ofSeq }

let mutable private composed: Registry option = None

/// Sets the registry the language checks against, once, at start-up (the host's composition of backend modules).
let useRegistry (registry: ParameterRegistry) = composed <- Some(ofRegistry registry)

/// The registry set by `useRegistry`.
let engine () : Registry =
    match composed with
    | Some registry -> registry
    | None -> invalidOp "no parameter registry: the host must call RegistryAdapter.useRegistry with its composed registry before checking scripts"

/// Code for a parameter that does not apply to the experiment's backend. The checker finds these itself
/// (to drop sweep members) and ignores the validator's findings for those parameters.
let NotApplicable = DiagnosticCodes.NotForBackend
