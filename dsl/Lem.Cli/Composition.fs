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

/// The runner's services: progress to <paramref name="log"/>, stopped by <paramref name="stop"/> (Ctrl-C, SIGTERM).
let services (log: TextWriter) (stop: System.Threading.CancellationToken) = RunnerServices(registry, log, Cancellation = stop)

/// The services of a process that runs one run of a cold-start campaign (`lem run --only KEY --cold-start`).
let coldStartServices (log: TextWriter) (stop: System.Threading.CancellationToken) = RunnerServices(registry, log, Cancellation = stop, ColdStart = true)
