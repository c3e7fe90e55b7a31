/// The backend modules this build of `lem` ships: the one place that names them. The parameter registry, the
/// language's checker and the runner are composed from this list at start-up; nothing else here is backend-specific.
module Lem.Cli.Composition

open System.IO
open Lem.Engine.Config
open Lem.Engine.Inference
open Lem.Engine.Running

let modules: IBackendModule list =
    [ Lem.Backends.TorchSharp.Backend.TorchSharpModule()
      Lem.Backends.LlamaCpp.LlamaCppModule()
      Lem.Backends.OrtGenAi.Backend.OrtGenAiModule()
      yield! Lem.Backends.Server.Modules.ServerModules.Create() |> Seq.cast<IBackendModule> ]

/// The registry of the core parameters and every module's section.
let registry = ParameterRegistry.Compose(Array.ofList modules)

let services (log: TextWriter) = RunnerServices(registry, log)
