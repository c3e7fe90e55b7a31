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
                if File.Exists path then Some(Lem.Engine.InputText.ReadFile path) else None
            with
            | :? IOException
            | :? UnauthorizedAccessException -> None
      Display =
        fun path ->
            let rel = Path.GetRelativePath(displayBase, path)
            (if rel.StartsWith ".." then path else rel).Replace('\\', '/') }

let read (files: SourceFiles) (fullPath: string) : Result<string option, SyntaxDiagnostic> =
    try
        Ok(files.Read fullPath)
    with :? Lem.Engine.InputTextException as e ->
        Error(SyntaxDiagnostic.error Codes.NotUtf8 (Range.point (files.Display fullPath) e.Line e.Column) e.Problem)

let maxImportDepth = 200

type Located = { Statement: Statement; FullPath: string; IsRoot: bool }

let load (files: SourceFiles) (rootFullPath: string) (rootText: string) : Located list * SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let loaded = System.Collections.Generic.HashSet<string>()
    let rec visit (fullPath: string) (text: string) (stack: string list) (depth: int) (isRoot: bool) : Located list =
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
                  elif depth >= maxImportDepth then
                      diagnostics.Add(
                          SyntaxDiagnostic.error Codes.TooDeep range
                              (sprintf "imports nested deeper than %d files (a file importing a file importing ...). Remedy: import the common definitions from one file" maxImportDepth))
                  else
                      match read files target with
                      | Ok(Some t) -> yield! visit target t (fullPath :: stack) (depth + 1) false
                      | Ok None ->
                          diagnostics.Add(
                              SyntaxDiagnostic.error Codes.ImportNotFound range
                                  (sprintf "cannot import \"%s\": %s does not exist (paths are relative to the importing file)" relative (files.Display target))
                          )
                      | Error d -> diagnostics.Add d
                  yield { Statement = s; FullPath = fullPath; IsRoot = isRoot }
              | _ -> yield { Statement = s; FullPath = fullPath; IsRoot = isRoot } ]
    let all = visit rootFullPath rootText [] 0 true
    all, List.ofSeq diagnostics
