/// Loads original-format YAML files: the bounded tree of each (YamlTree), `_extends` resolved (relative to the file,
/// any depth, cycles reported), and the tree operations the readers need (deep merge, setting a dotted key).
module internal Lem.Dsl.Yaml.YamlFiles

open System.IO
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Yaml.YamlTree

/// Deep merge: mappings merge key by key; sequences and scalars of the child replace the parent's whole.
let rec merge (parent: YNode) (child: YNode) : YNode =
    match parent, child with
    | YMap(pItems, _), YMap(cItems, r) ->
        let merged =
            [ for (k, v) in pItems do
                  match cItems |> List.tryFind (fun (ck, _) -> ck.Text = k.Text) with
                  | Some(ck, cv) -> yield ck, merge v cv
                  | None -> yield k, v
              for (k, v) in cItems do
                  if not (pItems |> List.exists (fun (pk, _) -> pk.Text = k.Text)) then yield k, v ]
        YMap(merged, r)
    | _, c -> c

/// A mapping holding `value` at the dotted `path` (`decoder.temperature`), every key at `key`'s range.
let nested (key: YKey) (path: string) (value: YNode) : YNode =
    path.Split('.')
    |> Array.rev
    |> Array.fold (fun inner part -> YMap([ { key with Text = part }, inner ], key.Range)) value

/// The mapping with `path` set to `value` (mappings on the way merged key by key, as the original's deep merge did).
let setPath (tree: YNode) (key: YKey) (path: string) (value: YNode) = merge tree (nested key path value)

/// A file as strict UTF-8 (Lem.Dsl.Checker.Imports.read: bytes that are not UTF-8 are an error at their place).
let private read' (files: SourceFiles) (fullPath: string) = Lem.Dsl.Checker.Imports.read files fullPath

/// Loads a YAML file (shown as `files.Display`) and resolves `_extends`.
let rec load (files: SourceFiles) (fullPath: string) (stack: string list) : YNode option * SyntaxDiagnostic list =
    let display = files.Display fullPath
    match read' files fullPath with
    | Error d -> None, [ d ]
    | Ok None -> None, [ SyntaxDiagnostic.error Codes.YamlExtends (Range.point display 1 1) (sprintf "cannot read %s: the file does not exist" display) ]
    | Ok(Some text) ->
        match YamlTree.read display text with
        | Error d, warnings -> None, warnings @ [ d ]
        | Ok(YMap(items, r)), warnings ->
            match items |> List.tryFind (fun (k, _) -> k.Text = "_extends") with
            | None -> Some(YMap(items, r)), warnings
            | Some(_, YScalar(parentPath, _, vr)) ->
                let own = YMap(items |> List.filter (fun (k, _) -> k.Text <> "_extends"), r)
                let parentFull = Path.GetFullPath(Path.Combine(Path.GetDirectoryName fullPath, parentPath))
                if List.contains parentFull (fullPath :: stack) then
                    let names = (List.rev (fullPath :: stack) |> List.skipWhile (fun p -> p <> parentFull)) @ [ parentFull ] |> List.map files.Display |> String.concat " -> "
                    Some own, warnings @ [ SyntaxDiagnostic.error Codes.YamlExtends vr (sprintf "_extends cycle: %s" names) ]
                else
                    match read' files parentFull with
                    | Error d -> Some own, warnings @ [ d ]
                    | Ok None ->
                        Some own, warnings @ [ SyntaxDiagnostic.error Codes.YamlExtends vr (sprintf "_extends: %s does not exist (the path is relative to this file)" (files.Display parentFull)) ]
                    | Ok(Some _) ->
                        let parent, ds = load files parentFull (fullPath :: stack)
                        match parent with
                        | Some p -> Some(merge p own), warnings @ ds
                        | None -> Some own, warnings @ ds
            | Some(k, _) -> None, warnings @ [ SyntaxDiagnostic.error Codes.YamlExtends k.Range "_extends takes one file path" ]
        | Ok other, warnings ->
            None, warnings @ [ SyntaxDiagnostic.error Codes.YamlSyntax (YNode.range other) "an original config must be a mapping of keys to values" ]
