// The public surface and its documentation: YamlLoader.fsi.
module Lem.Dsl.Yaml.YamlLoader

open System
open System.Globalization
open System.IO
open YamlDotNet.Core
open YamlDotNet.RepresentationModel
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.RegistryAdapter
open Lem.Dsl.Yaml.YamlKeyMap

type YNode =
    | YMap of (YKey * YNode) list * Range
    | YScalar of text: string * quoted: bool * Range
    | YSeq of YNode list * Range

and YKey = { Text: string; Range: Range }

let private rangeOf (file: string) (node: YamlNode) =
    Range.make file (int node.Start.Line) (int node.Start.Column) (int node.End.Line) (int node.End.Column)

let rec private toTree (file: string) (node: YamlNode) : YNode =
    match node with
    | :? YamlMappingNode as m ->
        let children =
            [ for kv in m.Children do
                  let keyText = match kv.Key with :? YamlScalarNode as s -> s.Value | other -> string other
                  { Text = keyText; Range = rangeOf file kv.Key }, toTree file kv.Value ]
        YMap(children, rangeOf file m)
    | :? YamlSequenceNode as s -> YSeq([ for c in s.Children -> toTree file c ], rangeOf file s)
    | :? YamlScalarNode as s -> YScalar((if isNull s.Value then "" else s.Value), s.Style <> ScalarStyle.Plain, rangeOf file s)
    | other -> YScalar(string other, false, rangeOf file other)

/// Deep merge: mappings merge key by key; sequences and scalars of the child replace the parent's whole.
let rec private merge (parent: YNode) (child: YNode) : YNode =
    match parent, child with
    | YMap(pItems, _), YMap(cItems, r) ->
        let childKeys = cItems |> List.map (fun (k, _) -> k.Text) |> set
        let merged =
            [ for (k, v) in pItems do
                  match cItems |> List.tryFind (fun (ck, _) -> ck.Text = k.Text) with
                  | Some(ck, cv) -> yield ck, merge v cv
                  | None -> yield k, v
              for (k, v) in cItems do
                  if not (pItems |> List.exists (fun (pk, _) -> pk.Text = k.Text)) then yield k, v ]
        ignore childKeys
        YMap(merged, r)
    | _, c -> c

/// Loads a YAML file and resolves `_extends` (relative to the file, any depth, cycles reported).
let rec private loadTree (files: SourceFiles) (fullPath: string) (stack: string list) : YNode option * SyntaxDiagnostic list =
    let display = files.Display fullPath
    match Imports.read files fullPath with
    | Error d -> None, [ d ]
    | Ok None -> None, [ SyntaxDiagnostic.error Codes.YamlExtends (Range.point display 1 1) (sprintf "cannot read %s: the file does not exist" display) ]
    | Ok(Some text) ->
        try
            let stream = YamlStream()
            stream.Load(new StringReader(text))
            if stream.Documents.Count = 0 then
                None, [ SyntaxDiagnostic.error Codes.YamlSyntax (Range.point display 1 1) "the YAML file is empty" ]
            else
                match toTree display stream.Documents[0].RootNode with
                | YMap(items, r) ->
                    match items |> List.tryFind (fun (k, _) -> k.Text = "_extends") with
                    | None -> Some(YMap(items, r)), []
                    | Some(k, YScalar(parentPath, _, vr)) ->
                        let own = YMap(items |> List.filter (fun (k, _) -> k.Text <> "_extends"), r)
                        let parentFull = Path.GetFullPath(Path.Combine(Path.GetDirectoryName fullPath, parentPath))
                        if List.contains parentFull (fullPath :: stack) then
                            let names = (List.rev (fullPath :: stack) |> List.skipWhile (fun p -> p <> parentFull)) @ [ parentFull ] |> List.map files.Display |> String.concat " -> "
                            Some own, [ SyntaxDiagnostic.error Codes.YamlExtends vr (sprintf "_extends cycle: %s" names) ]
                        else
                            match Imports.read files parentFull with
                            | Error d -> Some own, [ d ]
                            | Ok None -> Some own, [ SyntaxDiagnostic.error Codes.YamlExtends vr (sprintf "_extends: %s does not exist (the path is relative to this file)" (files.Display parentFull)) ]
                            | Ok(Some _) ->
                                let parent, ds = loadTree files parentFull (fullPath :: stack)
                                match parent with
                                | Some p -> Some(merge p own), ds
                                | None -> Some own, ds
                    | Some(k, _) -> None, [ SyntaxDiagnostic.error Codes.YamlExtends k.Range "_extends takes one file path" ]
                | other ->
                    let r = match other with YScalar(_, _, r) | YSeq(_, r) | YMap(_, r) -> r
                    None, [ SyntaxDiagnostic.error Codes.YamlSyntax r "an experiment config must be a mapping of keys to values" ]
        with
        | :? YamlException as ex ->
            let r = Range.point display (max 1 (int ex.Start.Line)) (max 1 (int ex.Start.Column))
            None, [ SyntaxDiagnostic.error Codes.YamlSyntax r (sprintf "YAML syntax: %s" ex.Message) ]
        | ex -> None, [ SyntaxDiagnostic.error Codes.YamlSyntax (Range.point display 1 1) (sprintf "cannot read the YAML: %s" ex.Message) ]

let private isNull' (text: string) (quoted: bool) = not quoted && (text = "" || text = "~" || text = "null" || text = "Null" || text = "NULL")

/// The backend an original YAML `backend` value names: an original name (`pytorch`) or a backend's own name.
let private backendNamed (registry: Registry) (word: string) : Result<string, string> =
    let backends =
        match registry.TryGet "backend" with
        | Some d when not (isNull d.AllowedValues) -> List.ofSeq d.AllowedValues
        | _ -> []
    match registry.OriginalBackendNames.TryFind word with
    | Some backend -> Ok backend
    | None when List.contains word backends -> Ok word
    | None ->
        let originals =
            registry.OriginalBackendNames |> Map.toList |> List.map (fun (o, b) -> sprintf "%s (run by the %s backend)" o b)
        let known = if originals.IsEmpty then backends else originals
        Error(sprintf "backend '%s' is not available here; use %s" word (String.Join(" or ", known)))

/// Converts a scalar; Error message when it does not fit.
let private scalarValue (registry: Registry) (conversion: Conversion) (text: string) (quoted: bool) (r: Range) : Result<Value, string> =
    let v k = Ok { Kind = k; Range = r }
    let word = text.Trim()
    match conversion with
    | AsInteger ->
        match Int64.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, i when not quoted -> v (Int i)
        | _ -> Error(sprintf "expects an integer, got '%s'" text)
    | AsDecimal ->
        match Double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, d when not quoted && not (Double.IsNaN d || Double.IsInfinity d) -> v (Dec d)
        | _ -> Error(sprintf "expects a number, got '%s'" text)
    | AsBoolean ->
        match word.ToLowerInvariant() with
        | "true" when not quoted -> v (Bool true)
        | "false" when not quoted -> v (Bool false)
        | _ -> Error(sprintf "expects true or false, got '%s'" text)
    | AsWord -> v (Word word)
    | AsText -> v (Str text)
    | AsPrecision ->
        match word with
        | "float32" | "fp32" -> v (Word "fp32")
        | "float16" | "fp16" -> v (Word "fp16")
        | "bfloat16" | "bf16" -> v (Word "bf16")
        | _ -> Error(sprintf "expects float32, float16 or bfloat16, got '%s'" text)
    | AsBackend -> backendNamed registry word |> Result.bind (fun backend -> v (Word backend))
    | AsModel when word.StartsWith "synthetic(" ->
        match Lem.Dsl.Parser.ScriptParser.parseValue r.File word with
        | Ok parsed -> v parsed.Kind
        | Error d -> Error(sprintf "expects a model path or synthetic(\"PRESET\"): %s" d.Message)
    | AsModel -> v (Str text)

/// Lowers a merged YAML tree to an experiment statement named after config_name (or the file name).
let private lower (registry: Registry) (fileDisplay: string) (tree: YNode) : Statement option * SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let assignments = ResizeArray<Assignment>()
    let mutable name: Ident option = None
    let mutable promptsCount: Value option = None
    let mutable promptsTokens: Value option = None
    let mutable promptsRange: Range option = None
    let mutable trafficEnabled: (bool * Range) option = None
    let mutable trafficMode: Assignment option = None
    let mutable gpus: (YKey * (int64 * Range) list) option = None
    let mutable processes: (YKey * int64) option = None
    let add (path: string) (key: YKey) (value: Value) =
        let p = { Parts = List.ofArray (path.Split '.'); Range = key.Range }
        assignments.Add { Path = p; Value = value; Range = Range.span key.Range value.Range }
    let err (r: Range) code message = diagnostics.Add(SyntaxDiagnostic.error code r message)
    let note (r: Range) message = diagnostics.Add(SyntaxDiagnostic.info Codes.YamlNote r message)
    let rec walk (prefix: string) (originalPrefix: string) (items: (YKey * YNode) list) =
        for (key, node) in items do
            let original = if originalPrefix = "" then key.Text else originalPrefix + "." + key.Text
            let dotted = if prefix = "" then key.Text else prefix + "." + key.Text
            match table.TryFind dotted, node with
            | None, YMap(children, _) when prefix = "" && sectionAliases.ContainsKey key.Text ->
                walk sectionAliases[key.Text] key.Text children
            | Some(Unsupported reason), YMap _ -> err key.Range Codes.YamlUnsupported (sprintf "%s: %s" original reason)
            | None, _ when prefix = "" && sectionAliases.ContainsKey key.Text ->
                err key.Range Codes.YamlValue (sprintf "%s must be a mapping of keys" original)
            | None, _ ->
                let hint = DidYouMean.hint knownKeys original
                err key.Range Codes.YamlUnknownKey (sprintf "unknown key '%s'%s (every key must be known; see docs/language.md, YAML section)" original hint)
            | Some _, YScalar(text, quoted, _) when isNull' text quoted -> ()
            | Some(Unsupported _), YScalar(text, false, _) when text.Trim().ToLowerInvariant() = "false" -> ()
            | Some target, YScalar(text, quoted, r) ->
                let convertTo conversion onOk =
                    match scalarValue registry conversion text quoted r with
                    | Ok v -> onOk v
                    | Error m -> err r Codes.YamlValue (sprintf "%s %s" original m)
                match target with
                | ExperimentName ->
                    let cleaned = String(text |> Seq.map (fun c -> if Char.IsAsciiLetterOrDigit c || c = '_' then c else '_') |> Array.ofSeq)
                    let cleaned = if cleaned = "" || Char.IsDigit cleaned[0] then "_" + cleaned else cleaned
                    name <- Some { Name = cleaned; Range = r }
                | Parameter(path, conversion) ->
                    convertTo conversion (fun v ->
                        add path key v
                        if path = "traffic.mode" then trafficMode <- Some assignments[assignments.Count - 1])
                | PromptsCount -> convertTo AsInteger (fun v -> promptsCount <- Some v; promptsRange <- Some(defaultArg promptsRange key.Range))
                | PromptsInputTokens -> convertTo AsInteger (fun v -> promptsTokens <- Some v; promptsRange <- Some(defaultArg promptsRange key.Range))
                | TrafficEnabled -> convertTo AsBoolean (fun v -> match v.Kind with Bool b -> trafficEnabled <- Some(b, key.Range) | _ -> ())
                | DoSample ->
                    convertTo AsBoolean (fun v ->
                        match v.Kind with
                        | Bool false -> add "decoder.temperature" key { v with Kind = Dec 0.0 }
                        | _ -> note key.Range (sprintf "%s: true: sampling follows decoder.temperature, top_k and top_p" original))
                | GpuList -> convertTo AsInteger (fun v -> match v.Kind with Int i -> gpus <- Some(key, [ i, v.Range ]) | _ -> ())
                | NumProcesses ->
                    convertTo AsInteger (fun v ->
                        match v.Kind with
                        | Int n when n >= 1L -> processes <- Some(key, n)
                        | _ -> err r Codes.YamlValue (sprintf "%s expects a positive integer" original))
                | NoEffect reason -> note key.Range (sprintf "%s has no effect here: %s" original reason)
                | Unsupported reason -> err key.Range Codes.YamlUnsupported (sprintf "%s: %s" original reason)
            | Some GpuList, YSeq(items, r) ->
                let indices =
                    items
                    |> List.choose (fun item ->
                        match item with
                        | YScalar(text, quoted, ir) ->
                            match scalarValue registry AsInteger text quoted ir with
                            | Ok { Kind = Int i } when i >= 0L -> Some(i, ir)
                            | _ ->
                                err ir Codes.YamlValue (sprintf "%s expects GPU indices, got '%s'" original text)
                                None
                        | _ ->
                            err r Codes.YamlValue (sprintf "%s expects a list of GPU indices" original)
                            None)
                if indices.IsEmpty then err r Codes.YamlValue (sprintf "%s lists no GPU" original)
                else gpus <- Some(key, indices)
            | Some(Unsupported reason), _ -> err key.Range Codes.YamlUnsupported (sprintf "%s: %s" original reason)
            | Some _, YMap(_, r)
            | Some _, YSeq(_, r) -> err r Codes.YamlValue (sprintf "%s expects a single value" original)
    match tree with
    | YMap(items, r) ->
        walk "" "" items
        match promptsCount, promptsTokens, promptsRange with
        | None, None, _
        | _, _, None -> ()
        | count, tokens, Some pr ->
            let arg n (v: Value option) fallback = { Name = n; Range = pr }, defaultArg v { Kind = Int fallback; Range = pr }
            let call = Call("synthetic", [], [ arg "count" count 8L; arg "input_tokens" tokens 32L ])
            let p = { Parts = [ "prompts" ]; Range = pr }
            assignments.Add { Path = p; Value = { Kind = call; Range = pr }; Range = pr }
        // gpus / gpu_list with num_processes: one process runs on the first GPU; n > 1 processes are data
        // parallelism over the first n GPUs (the original ran one worker per process).
        let cuda (i: int64, r: Range) = { Kind = Str(sprintf "cuda:%d" i); Range = r }
        match gpus, processes with
        | Some(key, first :: rest), (None | Some(_, 1L)) ->
            add "device" key (cuda first)
            if not rest.IsEmpty then
                note key.Range (sprintf "%s lists %d GPUs but num_processes is 1: only cuda:%d is used" key.Text (rest.Length + 1) (fst first))
        | Some(key, list), Some(pkey, n) when int64 list.Length < n ->
            err pkey.Range Codes.YamlValue (sprintf "num_processes = %d needs at least as many GPUs, but %s lists %d" n key.Text list.Length)
        | Some(key, list), Some(pkey, n) ->
            let used = list |> List.truncate (int n)
            add "parallel.mode" pkey { Kind = Word "data"; Range = pkey.Range }
            add "parallel.devices" key { Kind = List(used |> List.map cuda); Range = key.Range }
        | None, Some(pkey, n) when n > 1L ->
            err pkey.Range Codes.YamlValue (sprintf "num_processes = %d needs gpus: [...] listing at least %d GPUs" n n)
        | _ -> ()
        // Traffic simulation is off unless `enabled: true` (the original's default): then mode, target_qps and
        // seed are ignored with a note, and `enabled: false` says traffic.mode = none explicitly.
        match trafficEnabled with
        | Some(true, kr) ->
            if trafficMode.IsNone then
                assignments.Add { Path = { Parts = [ "traffic"; "mode" ]; Range = kr }; Value = { Kind = Word "poisson"; Range = kr }; Range = kr }
        | _ ->
            let ignored = assignments |> Seq.filter (fun a -> List.contains a.Path.Text [ "traffic.mode"; "traffic.qps"; "traffic.seed" ]) |> List.ofSeq
            for a in ignored do assignments.Remove a |> ignore
            match ignored with
            | first :: _ -> note first.Path.Range "traffic simulation is off (enabled is not true, as in the original tool): its mode, target_qps and seed are ignored"
            | [] -> ()
            match trafficEnabled with
            | Some(false, kr) -> assignments.Add { Path = { Parts = [ "traffic"; "mode" ]; Range = kr }; Value = { Kind = Word "none"; Range = kr }; Range = kr }
            | _ -> ()
        let ident =
            match name with
            | Some n -> n
            | None ->
                let stem = Path.GetFileNameWithoutExtension fileDisplay
                let cleaned = String(stem |> Seq.map (fun c -> if Char.IsAsciiLetterOrDigit c || c = '_' then c else '_') |> Array.ofSeq)
                { Name = (if cleaned = "" || Char.IsDigit cleaned[0] then "_" + cleaned else cleaned); Range = Range.point fileDisplay 1 1 }
        Some(Experiment(ident, None, List.ofSeq assignments, r)), List.ofSeq diagnostics
    | _ -> None, List.ofSeq diagnostics

/// Loads a YAML config (resolving `_extends`) as a .lem experiment statement.
let private loadStatement (registry: Registry) (files: SourceFiles) (path: string) : Statement option * SyntaxDiagnostic list =
    let full = Path.GetFullPath path
    match loadTree files full [] with
    | Some tree, ds ->
        let statement, lowered = lower registry (files.Display full) tree
        statement, ds @ lowered
    | None, ds -> None, ds

let check (options: Checker.CheckOptions) (path: string) : CheckedProgram =
    let statement, diagnostics =
        try
            loadStatement options.Registry options.Files path
        with ex ->
            None, [ SyntaxDiagnostic.error Codes.Internal (Range.point path 1 1) (sprintf "internal error reading YAML (please report it): %s" ex.Message) ]
    let located =
        statement |> Option.map (fun s -> { Statement = s; FullPath = Path.GetFullPath path; IsRoot = true }) |> Option.toList
    Checker.checkLoaded options located diagnostics

let convert (options: Checker.CheckOptions) (path: string) : Result<string, SyntaxDiagnostic list> =
    let statement, diagnostics = loadStatement options.Registry options.Files path
    match statement with
    | Some s when not (SyntaxDiagnostic.hasErrors diagnostics) ->
        let header = sprintf "# converted from %s by `lem config convert`\n" (options.Files.Display(Path.GetFullPath path))
        Ok(header + Printer.statement s)
    | _ -> Error(SyntaxDiagnostic.normalise diagnostics)
