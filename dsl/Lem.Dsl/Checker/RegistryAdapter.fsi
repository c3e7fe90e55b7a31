/// The checker's only view of the engine's parameter registry.
/// A record of functions, so that tests can check against a registry with extra parameters or backends, and so that
/// every entry point of Lem.Dsl takes the registry it checks against instead of reading a static one.
module Lem.Dsl.Checker.RegistryAdapter

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
      /// The names the original LLenergyMeasure YAML format uses for backends, each with the backend it means here.
      OriginalBackendNames: Map<string, string> }

/// The engine's static registry (Lem.Engine.Config.ParameterRegistry), with the original YAML names of its backends:
/// the one place that reads it. The CLI and the tests call this until the registry is composed from backend modules.
val ofStatic: originalBackendNames: Map<string, string> -> Registry

/// Code for a parameter that does not apply to the experiment's backend. The checker finds these itself
/// (to drop sweep members) and ignores the validator's findings for those parameters.
val NotApplicable: string
