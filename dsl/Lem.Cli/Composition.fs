/// Wires the engine to the inference backends this build of `lem` ships (TorchSharp) and to the synthetic model cache.
module Lem.Cli.Composition

open System.Collections.Generic
open System.IO
open Lem.Engine.Config
open Lem.Engine.Inference
open Lem.Engine.Running
open Lem.Backends.TorchSharp.Backend
open Lem.Backends.TorchSharp.Runtime
open Lem.Backends.TorchSharp.Safetensors
open Lem.Models.Safetensors
open Lem.Models.Synthetic
open Lem.Models.Tokenization
open Lem.Backends.TorchSharp.Loading

/// The TorchSharp backend, loading libtorch for the requested device first (one clear line when it cannot).
let torchSharp () : IInferenceBackend =
    let inner = TorchSharpBackend((fun folder -> SafetensorsWeightSource.Open folder :> IWeightSource), (fun folder -> TokenizerLoader.Load folder :> ITextTokenizer))
    { new IInferenceBackend with
        member _.Name = inner.Name
        member _.Load request =
            let libtorch =
                match request.BackendOptions with
                | null -> null
                | options ->
                    match options.TryGetValue "torchsharp.libtorch_path" with
                    | true, (:? string as path) -> path
                    | _ -> null
            TorchRuntime.EnsureLoaded(request.Device, libtorch)
            inner.Load request }

/// A model spec as a folder: synthetic presets are generated into the cache on first use; relative paths are
/// relative to the script that names them.
let resolveModelFolder (spec: ModelSpec) (baseFolder: string) : string =
    if spec.IsSynthetic then
        SyntheticModelCache.Default().Resolve(spec.SyntheticPreset, spec.SyntheticSeed)
    else
        let path = if Path.IsPathRooted spec.FolderPath then spec.FolderPath else Path.Combine(baseFolder, spec.FolderPath)
        Path.GetFullPath path

let services (log: TextWriter) =
    let backends = Dictionary<string, IInferenceBackend>()
    let backend = torchSharp ()
    backends[backend.Name] <- backend
    RunnerServices(backends, System.Func<_, _, _>(resolveModelFolder), log)
