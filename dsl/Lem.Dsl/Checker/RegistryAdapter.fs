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
      CallsFor: string -> CallSignature list }

/// The closest candidate, or None (see Syntax.Suggest).
let closest candidates name = Lem.Dsl.Syntax.Suggest.closest candidates name

/// The registry of the engine.
let engine: Registry =
    { TryGet = fun name -> match ParameterRegistry.TryGet name with | true, d -> Some d | _ -> None
      All = List.ofSeq ParameterRegistry.All
      Sections = Set.ofSeq ParameterRegistry.Sections
      Validate = fun values -> ConfigValidator.Validate values |> List.ofSeq
      Suggest = fun name -> ParameterRegistry.Suggest name |> Option.ofObj
      CallsFor = fun name -> ParameterRegistry.CallsFor name |> List.ofSeq }

/// Code for a parameter that does not apply to the experiment's backend. The checker finds these itself
/// (to drop sweep members) and ignores the validator's findings for those parameters.
let NotApplicable = DiagnosticCodes.NotForBackend
