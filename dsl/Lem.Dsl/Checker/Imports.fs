// The public surface and its documentation: Imports.fsi.
module Lem.Dsl.Checker.Imports

open System
open System.IO
open Lem.Dsl.Syntax
open Lem.Dsl.Parser

type SourceFiles =
    { Read: string -> string option
      Display: string -> string }

let diskFiles (displayBase: string) =
    { Read =
        fun path ->
            try
                if File.Exists path then Some(File.ReadAllText path) else None
            with
            | :? IOException
            | :? UnauthorizedAccessException -> None
      Display =
        fun path ->
            let rel = Path.GetRelativePath(displayBase, path)
            (if rel.StartsWith ".." then path else rel).Replace('\\', '/') }

type Located = { Statement: Statement; FullPath: string; IsRoot: bool }

let load (files: SourceFiles) (rootFullPath: string) (rootText: string) : Located list * SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let loaded = System.Collections.Generic.HashSet<string>()
    let rec visit (fullPath: string) (text: string) (stack: string list) (isRoot: bool) : Located list =
        loaded.Add fullPath |> ignore
        let statements, parseDiagnostics = ScriptParser.parse (files.Display fullPath) text
        diagnostics.AddRange parseDiagnostics
        [ for s in statements do
              match s with
              | Import(relative, range) ->
                  let target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName fullPath, relative))
                  if List.contains target (fullPath :: stack) then
                      let cycle = (List.rev (fullPath :: stack) |> List.skipWhile (fun p -> p <> target)) @ [ target ]
                      let names = cycle |> List.map files.Display |> String.concat " -> "
                      diagnostics.Add(SyntaxDiagnostic.error Codes.ImportCycle range (sprintf "import cycle: %s" names))
                  elif loaded.Contains target then ()
                  else
                      match files.Read target with
                      | Some t -> yield! visit target t (fullPath :: stack) false
                      | None ->
                          diagnostics.Add(
                              SyntaxDiagnostic.error Codes.ImportNotFound range
                                  (sprintf "cannot import \"%s\": %s does not exist (paths are relative to the importing file)" relative (files.Display target))
                          )
                  yield { Statement = s; FullPath = fullPath; IsRoot = isRoot }
              | _ -> yield { Statement = s; FullPath = fullPath; IsRoot = isRoot } ]
    let all = visit rootFullPath rootText [] true
    all, List.ofSeq diagnostics
