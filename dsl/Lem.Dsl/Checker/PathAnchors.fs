/// A relative path in a value is relative to the file that sets it (docs/language.md), while the runner resolves
/// paths against the root script's folder. So a relative prompt file (`file("...")`) or model path set in a file of
/// another folder (an import) is rewritten here, relative to the root script's folder; values set in the root's folder
/// are left exactly as written (their run hashes do not change).
module internal Lem.Dsl.Checker.PathAnchors

open System
open System.Collections.Generic
open System.IO
open Lem.Engine.Config

/// `path` as written in a file of `fileFolder`, relative to `rootFolder` (rooted and `~` paths as they are).
let private rebase (rootFolder: string) (fileFolder: string) (path: string) =
    if path = "" || Path.IsPathRooted path || path.StartsWith "~" then path
    else Path.GetRelativePath(rootFolder, Path.GetFullPath(Path.Combine(fileFolder, path))).Replace('\\', '/')

/// A model text is a path (rather than a model id a server knows) when it says so (./, ../, a .gguf file) or names
/// something that exists beside its file.
let private isModelPath (fileFolder: string) (text: string) =
    text.StartsWith "./" || text.StartsWith "../" || text.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
    || File.Exists(Path.Combine(fileFolder, text)) || Directory.Exists(Path.Combine(fileFolder, text))

/// The value of `parameter` set in a file of `fileFolder`, with its relative paths rebased on `rootFolder`.
let anchor (rootFolder: string) (fileFolder: string) (parameter: string) (value: ConfigValue) : ConfigValue =
    if rootFolder = "" || fileFolder = "" || Path.GetFullPath rootFolder = Path.GetFullPath fileFolder then value
    else
        match parameter, value with
        | "prompts", (:? ConfigValue.Call as call) when call.Name = "file" ->
            let rebaseText (v: ConfigValue) =
                match v with
                | :? ConfigValue.Text as t -> ConfigValue.Text(rebase rootFolder fileFolder t.Value) :> ConfigValue
                | other -> other
            let positional = call.Positional |> Seq.mapi (fun i v -> if i = 0 then rebaseText v else v) |> ResizeArray
            let named = call.Named |> Seq.map (fun kv -> if kv.Key = "path" then KeyValuePair(kv.Key, rebaseText kv.Value) else kv) |> ResizeArray
            ConfigValue.Call(call.Name, positional, named)
        | "model", (:? ConfigValue.Text as t) when isModelPath fileFolder t.Value -> ConfigValue.Text(rebase rootFolder fileFolder t.Value)
        | _ -> value
