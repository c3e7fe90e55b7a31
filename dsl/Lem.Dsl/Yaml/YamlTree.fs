/// Reads a YAML file into a small tree, with every input bounded: one document, nesting at most
/// ScriptParser.maxNesting deep, aliases resolved with cycle detection and an expansion budget. The tree is built from
/// YamlDotNet's event parser with an explicit stack (no recursion), so no input can exhaust the stack or the memory.
module internal Lem.Dsl.Yaml.YamlTree

open System
open System.Collections.Generic
open System.IO
open YamlDotNet.Core
open YamlDotNet.Core.Events
open Lem.Dsl.Syntax

type YNode =
    | YMap of (YKey * YNode) list * Range
    | YScalar of text: string * quoted: bool * Range
    | YSeq of YNode list * Range

and YKey = { Text: string; Range: Range }

module YNode =
    let range (n: YNode) =
        match n with
        | YMap(_, r)
        | YScalar(_, _, r)
        | YSeq(_, r) -> r

/// Deepest nesting accepted, aliases expanded: the same bound as a .lem script's brackets.
let maxDepth = Lem.Dsl.Parser.ScriptParser.maxNesting

/// Most values (scalars, mappings, sequences, keys) a file may hold once its aliases are expanded. A real config
/// holds a few hundred; the bound stops an alias bomb long before it costs memory or time.
let maxValues = 100_000

/// A node under construction: its range, anchor and children; keys and values alternate in a mapping.
type private Frame =
    { IsMapping: bool
      Start: Mark
      Anchor: string
      Children: ResizeArray<YNode>
      /// Expanded size (values) and height of each child.
      Sizes: ResizeArray<int>
      Heights: ResizeArray<int> }

/// A complete node with its expanded size and height, for aliases.
type private Built = { Node: YNode; Size: int; Height: int }

exception private Stop of SyntaxDiagnostic

let private rangeOf (file: string) (s: Mark) (e: Mark) =
    Range.make file (int s.Line) (int s.Column) (int e.Line) (int e.Column)

/// The first tab in the indentation of a line at or after `fromLine`: where YAML's "tab as indentation" errors are.
let private tabInIndentation (text: string) (fromLine: int) =
    let lines = text.Split('\n')
    seq {
        for i in max 0 (fromLine - 1) .. lines.Length - 1 do
            let line = lines[i]
            let indent = line.Length - line.TrimStart(' ', '\t').Length
            let tab = line.IndexOf('\t')
            if tab >= 0 && tab < indent then yield i + 1, tab + 1
    }
    |> Seq.tryHead

let private syntaxError (file: string) (text: string) (ex: YamlException) =
    let line, column = max 1 (int ex.Start.Line), max 1 (int ex.Start.Column)
    let tab = if ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) then tabInIndentation text line else None
    match tab with
    | Some(l, c) ->
        SyntaxDiagnostic.error Codes.YamlSyntax (Range.point file l c)
            "a tab indents this line: YAML indents with spaces only; replace the tab with spaces"
    | None -> SyntaxDiagnostic.error Codes.YamlSyntax (Range.point file line column) (sprintf "YAML syntax: %s" ex.Message)

/// Parses `text` (shown as `file` in ranges). Ok: the root node and any warnings (duplicate keys); Error: the
/// diagnostic that stopped the reading.
let read (file: string) (text: string) : Result<YNode, SyntaxDiagnostic> * SyntaxDiagnostic list =
    let warnings = ResizeArray<SyntaxDiagnostic>()
    let stop r message = raise (Stop(SyntaxDiagnostic.error Codes.YamlSyntax r message))
    let anchors = Dictionary<string, Built>()
    let openAnchors = HashSet<string>()
    let stack = Stack<Frame>()
    let mutable root: YNode option = None
    let mutable documents = 0
    let mutable values = 0
    let mutable aliased = false
    let count (n: int) (r: Range) =
        values <- values + n
        if values > maxValues then
            if aliased then
                stop r (sprintf "aliases expand this file to more than %d values (an alias bomb?): lem reads at most %d; write the values out or use fewer nested aliases" maxValues maxValues)
            else
                stop r (sprintf "this file holds more than %d values: lem reads configs of at most %d" maxValues maxValues)
    let tooDeep (r: Range) =
        stop r (sprintf "YAML nested deeper than %d levels (aliases expanded): lem reads configs nested at most %d deep, as .lem scripts; flatten the structure" maxDepth maxDepth)
    let addChild (b: Built) =
        if stack.Count = 0 then root <- Some b.Node
        else
            let f = stack.Peek()
            f.Children.Add b.Node
            f.Sizes.Add b.Size
            f.Heights.Add b.Height
    let register (anchor: string) (b: Built) =
        if not (String.IsNullOrEmpty anchor) then
            openAnchors.Remove anchor |> ignore
            anchors[anchor] <- b
    let openFrame (isMapping: bool) (e: NodeEvent) =
        let r = rangeOf file e.Start e.End
        if stack.Count + 1 > maxDepth then tooDeep r
        count 1 r
        let anchor = if e.Anchor.IsEmpty then "" else e.Anchor.Value
        if anchor <> "" then openAnchors.Add anchor |> ignore
        stack.Push { IsMapping = isMapping; Start = e.Start; Anchor = anchor; Children = ResizeArray(); Sizes = ResizeArray(); Heights = ResizeArray() }
    let closeFrame (e: ParsingEvent) =
        let f = stack.Pop()
        let r = rangeOf file f.Start e.End
        let size = 1 + Seq.sum f.Sizes
        let height = 1 + (if f.Heights.Count = 0 then 0 else Seq.max f.Heights)
        let node =
            if f.IsMapping then
                let items = ResizeArray<YKey * YNode>()
                let seen = Dictionary<string, Range>()
                for i in 0 .. 2 .. f.Children.Count - 2 do
                    match f.Children[i] with
                    | YScalar(text, _, kr) ->
                        match seen.TryGetValue text with
                        | true, first ->
                            warnings.Add(
                                SyntaxDiagnostic.warning Codes.YamlValue kr
                                    (sprintf "key '%s' appears twice in this mapping (first at line %d); the later value wins, as in the original tool" text first.StartLine))
                            let at = items.FindIndex(fun (k, _) -> k.Text = text)
                            items.RemoveAt at
                        | _ -> seen[text] <- kr
                        items.Add({ Text = text; Range = kr }, f.Children[i + 1])
                    | other -> stop (YNode.range other) "a mapping key must be a plain word, not a list or a mapping"
                YMap(List.ofSeq items, r)
            else YSeq(List.ofSeq f.Children, r)
        let b = { Node = node; Size = size; Height = height }
        register f.Anchor b
        addChild b
    try
        try
            let parser = Parser(new StringReader(text))
            while parser.MoveNext() do
                match parser.Current with
                | :? DocumentStart as d ->
                    documents <- documents + 1
                    if documents > 1 then
                        stop (rangeOf file d.Start d.End)
                            "a second YAML document (after ---): lem reads one config per file; move it to a file of its own or delete it"
                | :? MappingStart as m -> openFrame true m
                | :? SequenceStart as s -> openFrame false s
                | :? MappingEnd as e -> closeFrame e
                | :? SequenceEnd as e -> closeFrame e
                | :? Scalar as s ->
                    let r = rangeOf file s.Start s.End
                    if stack.Count + 1 > maxDepth then tooDeep r
                    count 1 r
                    let quoted = s.Style <> ScalarStyle.Plain || (not s.Tag.IsEmpty && s.Tag.Value = "tag:yaml.org,2002:str")
                    let b = { Node = YScalar((if isNull s.Value then "" else s.Value), quoted, r); Size = 1; Height = 1 }
                    register (if s.Anchor.IsEmpty then "" else s.Anchor.Value) b
                    addChild b
                | :? AnchorAlias as a ->
                    let r = rangeOf file a.Start a.End
                    let name = a.Value.Value
                    if openAnchors.Contains name then
                        stop r (sprintf "alias *%s is inside its own anchor &%s: a value cannot contain itself; write the value out" name name)
                    match anchors.TryGetValue name with
                    | true, b ->
                        aliased <- true
                        if stack.Count + b.Height > maxDepth then tooDeep r
                        count b.Size r
                        addChild b
                    | _ -> stop r (sprintf "alias *%s refers to no anchor &%s before it" name name)
                | _ -> ()
            match root with
            | Some node -> Ok node, List.ofSeq warnings
            | None -> Error(SyntaxDiagnostic.error Codes.YamlSyntax (Range.point file 1 1) "the YAML file is empty"), List.ofSeq warnings
        with
        | Stop d -> Error d, List.ofSeq warnings
        | :? YamlException as ex -> Error(syntaxError file text ex), List.ofSeq warnings
    with ex ->
        Error(SyntaxDiagnostic.error Codes.YamlSyntax (Range.point file 1 1) (sprintf "cannot read the YAML: %s" ex.Message)), List.ofSeq warnings
