// Documented in DefinitionPass.fsi.
module Lem.Dsl.Checker.Passes.DefinitionPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports

let run (located: Located list) : DefinitionTable * SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let folderOf (path: string) = System.IO.Path.GetDirectoryName path |> Option.ofObj |> Option.defaultValue ""
    let root = located |> List.tryFind (fun l -> l.IsRoot) |> Option.map (fun l -> folderOf l.FullPath) |> Option.defaultValue ""
    let mutable table = { Order = []; ByName = Map.empty; Position = Map.empty; Folders = Map.empty; RootFolder = root }
    located
    |> List.iteri (fun i l ->
        match Statement.definedName l.Statement with
        | Some n when table.ByName.ContainsKey n.Name ->
            let first = Statement.range table.ByName[n.Name]
            diagnostics.Add(
                SyntaxDiagnostic.error Codes.DuplicateDefinition n.Range
                    (sprintf "'%s' is already defined at %s:%d; pick another name" n.Name first.File first.StartLine))
        | Some n ->
            table <-
                { table with
                    Order = n.Name :: table.Order
                    ByName = table.ByName.Add(n.Name, l.Statement)
                    Position = table.Position.Add(n.Name, i)
                    Folders = table.Folders.Add(n.Name, folderOf l.FullPath) }
        | None -> ())
    { table with Order = List.rev table.Order }, List.ofSeq diagnostics
