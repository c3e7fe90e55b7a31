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
      Resolve: IReadOnlyDictionary<string, ResolvedValue> -> IReadOnlyDictionary<string, ResolvedValue>
      OriginalBackendNames: Map<string, string>
      OriginalKeys: Map<string, Lem.Engine.Inference.OriginalKey list>
      Capabilities: Map<string, Lem.Engine.Inference.BackendCapabilities> }

let ofRegistry (registry: ParameterRegistry) : Registry =
    { TryGet = fun name -> match registry.TryGet name with | true, d -> Some d | _ -> None
      All = List.ofSeq registry.All
      Sections = Set.ofSeq registry.Sections
      Validate = fun values -> registry.Validate values |> List.ofSeq
      Suggest = fun name -> registry.Suggest name |> Option.ofObj
      CallsFor = fun name -> registry.CallsFor name |> List.ofSeq
      Resolve = fun values -> registry.Resolve values
      OriginalBackendNames =
        registry.Modules
        |> Seq.collect (fun m -> Seq.append [ m.Name, m.Name ] (m.OriginalNames |> Seq.map (fun original -> original, m.Name)))
        |> Map.ofSeq
      OriginalKeys = registry.Modules |> Seq.map (fun m -> m.Name, List.ofSeq m.OriginalKeys) |> Map.ofSeq
      Capabilities = registry.Modules |> Seq.map (fun m -> m.Name, m.Capabilities) |> Map.ofSeq }

let NotApplicable = DiagnosticCodes.NotForBackend
