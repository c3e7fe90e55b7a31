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
      /// Every parameter's value as a run will hold it: the values set, the decoder preset's values, the defaults;
      /// the chosen backend's section only (the engine's resolver, so a plan shows exactly what a record stores).
      Resolve: IReadOnlyDictionary<string, ResolvedValue> -> IReadOnlyDictionary<string, ResolvedValue>
      /// The names the original LLenergyMeasure YAML format uses for backends, each with the backend it means here.
      OriginalBackendNames: Map<string, string>
      /// Per backend, how the keys of its section in the original YAML format read here (the module's OriginalKeys).
      OriginalKeys: Map<string, Lem.Engine.Inference.OriginalKey list>
      /// Per backend, what it can do (the YAML reader asks whether it can take the synthetic prompts it writes).
      Capabilities: Map<string, Lem.Engine.Inference.BackendCapabilities> }

/// The checker's view of a registry composed from the core parameters and the backend modules (the host composes it
/// once, at start-up): each module's own name and its original YAML names map to it.
val ofRegistry: registry: ParameterRegistry -> Registry

/// Code for a parameter that does not apply to the experiment's backend. The checker finds these itself
/// (to drop sweep members) and ignores the validator's findings for those parameters.
val NotApplicable: string
