// The public surface and its documentation: RegistryAdapter.fsi.
module Lem.Dsl.Checker.RegistryAdapter

open System.Collections.Generic
open Lem.Engine.Config

type Registry =
    { TryGet: string -> ParameterDefinition option
      All: ParameterDefinition list
      Sections: Set<string>
      Validate: IReadOnlyDictionary<string, ResolvedValue> -> Diagnostic list
      Suggest: string -> string option
      CallsFor: string -> CallSignature list
      OriginalBackendNames: Map<string, string> }

let ofStatic (originalBackendNames: Map<string, string>) : Registry =
    { TryGet = fun name -> match ParameterRegistry.TryGet name with | true, d -> Some d | _ -> None
      All = List.ofSeq ParameterRegistry.All
      Sections = Set.ofSeq ParameterRegistry.Sections
      Validate = fun values -> ConfigValidator.Validate values |> List.ofSeq
      Suggest = fun name -> ParameterRegistry.Suggest name |> Option.ofObj
      CallsFor = fun name -> ParameterRegistry.CallsFor name |> List.ofSeq
      OriginalBackendNames = originalBackendNames }

let NotApplicable = DiagnosticCodes.NotForBackend
