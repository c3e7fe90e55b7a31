/// Reads one experiment of the original LLenergyMeasure YAML format (a merged mapping: `_extends` already resolved)
/// as a .lem experiment statement with the original's meaning: its keys mapped through YamlKeyMap and the backend
/// module's OriginalKeys, and the original's defaults (OriginalSchema) written for what the file leaves out, each
/// with the origin "original default".
module internal Lem.Dsl.Yaml.ExperimentReader

open System
open System.Collections.Generic
open System.Globalization
open System.IO
open Lem.Engine.Config
open Lem.Engine.Inference
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.RegistryAdapter
open Lem.Dsl.Yaml.YamlTree
open Lem.Dsl.Yaml.YamlKeyMap
open Lem.Dsl.Yaml.OriginalSchema

/// Where the reader is: the registry, the files, the config file (relative paths are read against it) and the root
/// file lem was given (prompt paths are written relative to its folder, where the runner resolves them).
type Context =
    { Registry: Registry
      Files: SourceFiles
      ConfigPath: string
      RootFolder: string
      /// The most runs a study's grid may expand to (the checker's --max-runs).
      MaxRuns: int }

/// One key of the merged mapping, flattened: `Canonical` is the table's key (section aliases applied; a backend
/// section's keys as `@SECTION.KEY`), `Original` as the user wrote it.
type Entry =
    { Canonical: string
      Original: string
      Key: YKey
      Node: YNode
      /// Supplied by the reader from the original's defaults, not written in the file.
      IsDefault: bool }

/// A name usable as a .lem identifier.
let identifier (text: string) =
    let cleaned = String(text |> Seq.map (fun c -> if Char.IsAsciiLetterOrDigit c || c = '_' then c else '_') |> Array.ofSeq)
    if cleaned = "" || Char.IsDigit cleaned[0] then "_" + cleaned else cleaned

let private isNullScalar (text: string) (quoted: bool) =
    not quoted && (text = "" || text = "~" || text = "null" || text = "Null" || text = "NULL")

/// The value as compared against a table's inert values: scalars as written (lower case), `{}`/`[]` when empty.
let valueText (node: YNode) =
    match node with
    | YScalar(text, _, _) -> text.Trim().ToLowerInvariant()
    | YMap([], _) -> "{}"
    | YMap _ -> "{...}"
    | YSeq([], _) -> "[]"
    | YSeq _ -> "[...]"

let private matches (values: string seq) (text: string) =
    values |> Seq.exists (fun v -> v = "*" || String.Equals(v, text, StringComparison.OrdinalIgnoreCase))

/// The backend an original `backend` value names: an original name (`pytorch`) or a backend's own name.
let backendNamed (registry: Registry) (word: string) : Result<string, string> =
    match registry.OriginalBackendNames.TryFind word with
    | Some backend -> Ok backend
    | None ->
        let originals =
            registry.OriginalBackendNames |> Map.toList |> List.filter (fun (o, b) -> o <> b) |> List.map (fun (o, b) -> sprintf "%s (run by the %s backend)" o b)
        Error(sprintf "backend '%s' is not available here; use %s" word (String.Join(", ", originals)))

let private scalarValue (registry: Registry) (conversion: Conversion) (text: string) (quoted: bool) (r: Range) : Result<Value, string> =
    let v k = Ok { Kind = k; Range = r }
    let word = text.Trim()
    let number () =
        match Double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, d when not quoted && not (Double.IsNaN d || Double.IsInfinity d) -> Some d
        | _ -> None
    let duration (seconds: float) =
        let t = TimeSpan.FromSeconds seconds
        v (Dur(t, DurationText.Format t))
    match conversion with
    | AsInteger ->
        match Int64.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, i when not quoted -> v (Int i)
        | _ -> Error(sprintf "expects an integer, got '%s'" text)
    | AsDecimal ->
        match number () with
        | Some d -> v (Dec d)
        | None -> Error(sprintf "expects a number, got '%s'" text)
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
    | AsSeconds ->
        match number () with
        | Some d when d >= 0.0 -> duration d
        | _ -> Error(sprintf "expects a number of seconds, got '%s'" text)
    | AsMilliseconds ->
        match number () with
        | Some d when d >= 0.0 -> duration (d / 1000.0)
        | _ -> Error(sprintf "expects a number of milliseconds, got '%s'" text)

/// How a registry parameter's value is read from a YAML scalar.
let conversionFor (registry: Registry) (path: string) =
    match registry.TryGet path |> Option.map (fun d -> d.Kind) with
    | Some ParameterKind.Integer -> AsInteger
    | Some ParameterKind.Decimal -> AsDecimal
    | Some ParameterKind.Boolean -> AsBoolean
    | Some ParameterKind.Choice -> AsWord
    | Some ParameterKind.Duration -> AsSeconds
    | Some ParameterKind.Model -> AsModel
    | _ -> AsText

/// The module that runs an original backend name (`pytorch`), or None.
let private moduleOfSection (registry: Registry) (section: string) = registry.OriginalBackendNames.TryFind section

/// How a key inside a backend's section reads: the module's own OriginalKey, the core section table, or the module's
/// parameter of the same name.
type SectionKey =
    | ModuleKey of OriginalKey
    | CoreKey of Target
    | SameName of path: string
    | UnknownSectionKey

let sectionKey (registry: Registry) (backend: string) (dotted: string) =
    let own = registry.OriginalKeys.TryFind backend |> Option.defaultValue [] |> List.tryFind (fun k -> k.Key = dotted)
    match own, sectionTable.TryFind dotted with
    | Some k, _ -> ModuleKey k
    | None, Some t -> CoreKey t
    | None, None when (registry.TryGet(backend + "." + dotted)).IsSome -> SameName(backend + "." + dotted)
    | _ -> UnknownSectionKey

/// Every key a backend's section may hold (for "did you mean").
let sectionKeys (registry: Registry) (backend: string) =
    [ yield! registry.OriginalKeys.TryFind backend |> Option.defaultValue [] |> List.map (fun k -> k.Key)
      yield! sectionTable.Keys
      for d in registry.All do
          if d.Name.StartsWith(backend + ".") then yield d.Name.Substring(backend.Length + 1) ]

/// Flattens a mapping into entries; unknown keys are reported.
let flatten (registry: Registry) (report: SyntaxDiagnostic -> unit) (items: (YKey * YNode) list) : Entry list =
    let result = ResizeArray<Entry>()
    let hasPrefix (prefix: string) = table.Keys |> Seq.exists (fun k -> k.StartsWith(prefix + "."))
    let unknown (key: YKey) (original: string) (candidates: string seq) =
        let hint = DidYouMean.hint candidates original
        report (SyntaxDiagnostic.error Codes.YamlUnknownKey key.Range
            (sprintf "unknown key '%s' in an original LLenergyMeasure config%s (see docs/original-configs.md for the keys lem reads)" original hint))
    let rec section (backendSection: string) (backend: string) (prefix: string) (items: (YKey * YNode) list) =
        for (key, node) in items do
            let dotted = if prefix = "" then key.Text else prefix + "." + key.Text
            let original = backendSection + "." + dotted
            let nestedKeys = sectionKeys registry backend |> List.exists (fun k -> k.StartsWith(dotted + "."))
            match sectionKey registry backend dotted, node with
            | _, YMap((_ :: _) as children, _) when nestedKeys -> section backendSection backend dotted children
            | UnknownSectionKey, YMap(children, _) -> section backendSection backend dotted children
            | UnknownSectionKey, _ -> unknown key original (sectionKeys registry backend |> List.map (fun k -> backendSection + "." + k))
            | _ -> result.Add { Canonical = "@" + backend + "." + dotted; Original = original; Key = key; Node = node; IsDefault = false }
    let rec walk (prefix: string) (originalPrefix: string) (items: (YKey * YNode) list) =
        for (key, node) in items do
            let original = if originalPrefix = "" then key.Text else originalPrefix + "." + key.Text
            let canonical = if prefix = "" then key.Text else prefix + "." + key.Text
            match node with
            | YScalar(text, quoted, _) when isNullScalar text quoted && prefix = "" && (sectionAliases.ContainsKey key.Text || (moduleOfSection registry key.Text).IsSome) -> ()
            | YMap(children, _) when prefix = "" && (moduleOfSection registry key.Text).IsSome ->
                section key.Text (moduleOfSection registry key.Text).Value "" children
            | YMap(children, _) when prefix = "" && sectionAliases.ContainsKey key.Text ->
                walk sectionAliases[key.Text] key.Text children
            | YMap(children, _) when prefix <> "" && not (table.ContainsKey canonical) && hasPrefix canonical -> walk canonical original children
            | _ when table.ContainsKey canonical ->
                result.Add { Canonical = canonical; Original = original; Key = key; Node = node; IsDefault = false }
            | _ when prefix = "" && (moduleOfSection registry key.Text).IsSome ->
                report (SyntaxDiagnostic.error Codes.YamlValue key.Range (sprintf "%s must be a mapping of the backend's keys" original))
            | _ -> unknown key original knownKeys
    walk "" "" items
    List.ofSeq result

/// The result of reading one experiment.
type Lowered =
    { Statement: Statement
      Diagnostics: SyntaxDiagnostic list
      /// A backend's section for another backend: the original skipped such a sweep member.
      SectionMismatch: bool
      /// The original's daemon mode (`schedule.enabled: true`) as a cron expression and a number of cycles, for a
      /// campaign around the experiment.
      Schedule: (string * int option * Range) option }

/// Reads an experiment mapping of schema `schema`, named `fallbackName` unless it names itself.
/// With `describeDefaults`, a note lists the original defaults applied (off for the members of a study, whose base
/// says it).
let lower (ctx: Context) (schema: Schema) (describeDefaults: bool) (fallbackName: Ident) (items: (YKey * YNode) list) (whole: Range) : Lowered =
    let registry = ctx.Registry
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let report = diagnostics.Add
    let err (r: Range) code message = report (SyntaxDiagnostic.error code r message)
    let note (r: Range) message = report (SyntaxDiagnostic.info Codes.YamlNote r message)
    let warn (r: Range) message = report (SyntaxDiagnostic.warning Codes.YamlNote r message)
    let refuse (r: Range) (original: string) (value: string) (reason: string) =
        err r Codes.YamlUnsupported (sprintf "%s: %s: %s" original value reason)
    let assignments = ResizeArray<Assignment>()
    let assigned = HashSet<string>()
    let defaultsApplied = ResizeArray<string>()
    let mutable name: Ident option = None
    let mutable mismatch = false
    let mutable schedule = None
    let slots = Dictionary<string, Entry>()
    let appended = Dictionary<string, ResizeArray<Value> * Range>()
    let add (path: string) (e: Entry) (value: Value) =
        if not e.IsDefault || assigned.Add path then
            assigned.Add path |> ignore
            let p = { Parts = List.ofArray (path.Split '.'); Range = e.Key.Range }
            let origin = if e.IsDefault then OriginalDefault else Written
            assignments.Add { Path = p; Value = value; Range = Range.span e.Key.Range value.Range; Origin = origin }
            if e.IsDefault then defaultsApplied.Add(sprintf "%s = %s" path (Printer.value value))
    let convert (e: Entry) conversion onOk =
        match e.Node with
        | YScalar(text, quoted, r) ->
            match scalarValue registry conversion text quoted r with
            | Ok v -> onOk v
            | Error m -> err r Codes.YamlValue (sprintf "%s %s" e.Original m)
        | other -> err (YNode.range other) Codes.YamlValue (sprintf "%s expects a single value" e.Original)
    let inertCheck (e: Entry) (inert: Inert) =
        let text = valueText e.Node
        if matches inert.Silent text then ()
        elif matches inert.Noted text then note e.Key.Range (sprintf "%s: %s has no effect here: %s" e.Original text inert.Why)
        else
            match inert.Refusal with
            | Some reason -> refuse e.Key.Range e.Original text reason
            | None -> note e.Key.Range (sprintf "%s: %s has no effect here: %s" e.Original text inert.Why)
    let entries = flatten registry report items
    let written = entries |> List.map (fun e -> e.Canonical) |> set
    let rec apply (e: Entry) (target: Target) =
        match target with
        | ExperimentName ->
            match e.Node with
            | YScalar(text, _, r) -> name <- Some { Name = identifier text; Range = r }
            | other -> err (YNode.range other) Codes.YamlValue (sprintf "%s expects a name" e.Original)
        | Parameter(path, conversion) -> convert e conversion (add path e)
        | IgnoredByOriginal(_, _, proper) when written.Contains proper ->
            warn e.Key.Range (sprintf "%s is ignored, as the original tool ignored it: %s is given" e.Original proper)
        | IgnoredByOriginal(path, conversion, proper) ->
            convert e conversion (fun v ->
                add path e v
                warn e.Key.Range
                    (sprintf "%s: the original tool did not read this key (it ran with its default for %s); lem reads it as %s = %s. Remedy: write %s to mean the same in both tools"
                        e.Original proper path (Printer.value v) proper))
        | Slot s ->
            if not e.IsDefault || not (slots.ContainsKey s) then slots[s] <- e
        | NoEffect inert -> inertCheck e inert
        | Unsupported reason -> err e.Key.Range Codes.YamlUnsupported (sprintf "%s: %s" e.Original reason)
    let moduleKey (e: Entry) (k: OriginalKey) =
        let text = valueText e.Node
        let values = if isNull k.Values then Map.empty else k.Values |> Seq.map (fun kv -> kv.Key.ToLowerInvariant(), kv.Value) |> Map.ofSeq
        if matches k.Inert text then
            if not (isNull k.Why) then note e.Key.Range (sprintf "%s: %s has no effect here: %s" e.Original text k.Why)
        elif not values.IsEmpty then
            match values.TryFind text, e.Node with
            | Some mapped, YScalar(_, _, r) when not (isNull k.Parameter) -> add k.Parameter e { Kind = Word mapped; Range = r }
            | _ -> refuse e.Key.Range e.Original text (if isNull k.Refusal then "no equivalent here" else k.Refusal)
        elif not (isNull k.Parameter) then convert e (conversionFor registry k.Parameter) (add k.Parameter e)
        elif not (isNull k.Flag) && not (isNull k.AppendTo) then
            match e.Node with
            | YScalar(raw, _, r) ->
                let args =
                    if k.FlagIsSwitch then (if text = "true" then [ k.Flag ] elif text = "false" then [] else [ k.Flag; raw.Trim() ])
                    else [ k.Flag; raw.Trim() ]
                if not args.IsEmpty then
                    let list, _ =
                        match appended.TryGetValue k.AppendTo with
                        | true, existing -> existing
                        | _ ->
                            let created = ResizeArray<Value>(), e.Key.Range
                            appended[k.AppendTo] <- created
                            created
                    for a in args do list.Add { Kind = Str a; Range = r }
            | other -> refuse e.Key.Range e.Original text (if isNull k.Refusal then "expects a single value" else k.Refusal)
        else refuse e.Key.Range e.Original text (if isNull k.Refusal then "no equivalent here" else k.Refusal)
    let readEntry (e: Entry) =
        match e.Node with
        | YScalar(text, quoted, _) when isNullScalar text quoted -> ()
        | _ ->
            if e.Canonical.StartsWith "@" then
                let backend, dotted = let i = e.Canonical.IndexOf '.' in e.Canonical.Substring(1, i - 1), e.Canonical.Substring(i + 1)
                match sectionKey registry backend dotted with
                | ModuleKey k -> moduleKey e k
                | CoreKey t -> apply e t
                | SameName path -> convert e (conversionFor registry path) (add path e)
                | UnknownSectionKey -> ()
            else
                match table.TryFind e.Canonical with
                | Some t -> apply e t
                | None -> ()
    // the file's keys, then the original's defaults for what it leaves out
    for e in entries do readEntry e
    let root = { Text = ""; Range = whole }
    let defaultEntry (canonical: string) (text: string) =
        { Canonical = canonical; Original = canonical; Key = root; Node = YScalar(text, false, whole); IsDefault = true }
    let backend =
        match entries |> List.tryFind (fun e -> e.Canonical = "backend") with
        | Some { Node = YScalar(text, _, _) } -> backendNamed registry (text.Trim()) |> Result.toOption
        | _ -> registry.OriginalBackendNames.TryFind "pytorch"
    // a backend's section belongs to that backend (the original refused a pytorch: section with backend: vllm)
    for e in entries |> List.filter (fun e -> e.Canonical.StartsWith "@") |> List.distinctBy (fun e -> e.Original.Split('.')[0]) do
        let sectionBackend = e.Canonical.Substring(1, e.Canonical.IndexOf '.' - 1)
        match backend with
        | Some b when b <> sectionBackend ->
            mismatch <- true
            let section = e.Original.Split('.')[0]
            err e.Key.Range Codes.YamlValue
                (sprintf "a %s: section, but backend is %s: the section's keys apply to backend %s only (the original refused this too). Remedy: remove the section or set backend: %s" section b sectionBackend section)
        | _ -> ()
    for (key, text) in defaults schema do
        if not (written.Contains key) then readEntry (defaultEntry key text)
    match schema, backend with
    | (V1Early | V1Late), Some b ->
        for k in registry.OriginalKeys.TryFind b |> Option.defaultValue [] do
            if not (isNull k.OriginalDefault) && not (written.Contains("@" + b + "." + k.Key)) then
                readEntry (defaultEntry ("@" + b + "." + k.Key) k.OriginalDefault)
    | _ -> ()
    // rules that read several keys together
    let slot s = match slots.TryGetValue s with | true, e -> Some e | _ -> None
    let scalarOf (e: Entry) = match e.Node with YScalar(text, _, _) -> text.Trim() | _ -> ""
    let intOf (e: Entry) =
        match e.Node with
        | YScalar(text, quoted, r) ->
            match scalarValue registry AsInteger text quoted r with
            | Ok { Kind = Int i } -> Some i
            | _ ->
                err r Codes.YamlValue (sprintf "%s expects an integer, got '%s'" e.Original text)
                None
        | other ->
            err (YNode.range other) Codes.YamlValue (sprintf "%s expects an integer" e.Original)
            None
    let boolOf (e: Entry) =
        match valueText e.Node with
        | "true" -> Some true
        | "false" -> Some false
        | text ->
            err (YNode.range e.Node) Codes.YamlValue (sprintf "%s expects true or false, got '%s'" e.Original text)
            None
    let at (e: Entry) k = { Kind = k; Range = YNode.range e.Node }
    // --- decoder: the original's defaults, then the preset's values, then the explicit keys
    let decoder = Dictionary<string, Entry * string>()
    for (k, v) in decoderDefaults do decoder[k] <- (defaultEntry ("decoder." + k) v, v)
    match slot "decoder.preset" with
    | Some p ->
        let presetName = scalarOf p
        match (presets schema).TryFind presetName with
        | Some values ->
            for (k, v) in values do decoder[k] <- (p, v)
            let described = values |> List.filter (fun (k, _) -> k <> "do_sample") |> List.map (fun (k, v) -> sprintf "%s %s" k v) |> String.concat ", "
            note p.Key.Range
                (sprintf "%s: %s is the original's preset (%s): %s; lem's presets of that name differ, so its values are written out"
                    p.Original presetName (describe schema) described)
        | None ->
            err (YNode.range p.Node) Codes.YamlValue
                (sprintf "%s: unknown preset '%s'; the original's presets are %s" p.Original presetName (String.Join(", ", (presets schema).Keys)))
    | None -> ()
    for k in [ "temperature"; "top_k"; "top_p"; "repetition_penalty"; "min_p"; "do_sample" ] do
        match slot ("decoder." + k) with
        | Some e when not e.IsDefault -> decoder[k] <- (e, scalarOf e)
        | _ -> ()
    let decoderValue (k: string) (path: string) conversion =
        let e, text = decoder[k]
        let node = match e.Node with YScalar(_, _, r) -> YScalar(text, false, r) | other -> YScalar(text, false, YNode.range other)
        convert { e with Node = node } conversion (add path e)
    let greedy =
        match decoder.TryGetValue "do_sample" with
        | true, (e, text) when text.ToLowerInvariant() = "false" -> Some e
        | _ -> None
    match greedy with
    | Some e when not (Double.TryParse(snd decoder["temperature"], NumberStyles.Float, CultureInfo.InvariantCulture) |> fun (ok, t) -> ok && t = 0.0) ->
        // do_sample: false is greedy decoding whatever the temperature (the original's is_deterministic)
        add "decoder.temperature" e (at e (Dec 0.0))
    | _ -> decoderValue "temperature" "decoder.temperature" AsDecimal
    decoderValue "top_k" "decoder.top_k" AsInteger
    decoderValue "top_p" "decoder.top_p" AsDecimal
    decoderValue "repetition_penalty" "decoder.repetition_penalty" AsDecimal
    decoderValue "min_p" "decoder.min_p" AsDecimal
    // --- the seed: the sampler's, and the shuffle's of a dataset
    match slot "seed" with
    | Some e -> convert e AsInteger (add "decoder.seed" e)
    | None -> ()
    // --- batching: the legacy dynamic_batching flag
    // (true turned the static strategy into dynamic)
    match slot "batching.dynamic" with
    | Some e when boolOf e = Some true ->
        let strategy = assignments |> Seq.tryFind (fun a -> a.Path.Text = "batching.strategy")
        match strategy with
        | Some a when a.Value.Kind <> Word "static" -> ()
        | _ ->
            strategy |> Option.iter (assignments.Remove >> ignore)
            assigned.Remove "batching.strategy" |> ignore
            add "batching.strategy" { e with IsDefault = false } (at e (Word "dynamic"))
    | _ -> ()
    // --- prompts
    let count = slot "prompts.count"
    let inputTokens = slot "prompts.input_tokens"
    let promptsEntry (parts: Entry option list) = parts |> List.choose id |> List.sortBy (fun e -> e.IsDefault) |> List.tryHead
    let synthetic (countValue: int64) (tokens: int64) (seed: int64 option) (source: Entry) =
        let pr = source.Key.Range
        let args =
            [ yield { Name = "count"; Range = pr }, { Kind = Int countValue; Range = pr }
              yield { Name = "input_tokens"; Range = pr }, { Kind = Int tokens; Range = pr }
              match seed with
              | Some s -> yield { Name = "seed"; Range = pr }, { Kind = Int s; Range = pr }
              | None -> () ]
        add "prompts" source { Kind = Call("synthetic", [], args); Range = pr }
    let datasetName = slot "dataset"
    let isSyntheticDataset = [ "synthetic.count"; "synthetic.input_tokens"; "synthetic.output_tokens"; "synthetic.seed" ] |> List.exists (slot >> Option.isSome)
    if isSyntheticDataset then
        // v2's synthetic dataset: `n` prompts (the top-level n; the original ignored dataset.n) of input_len / 4
        // words each, ~4 characters a token by its own reckoning: about input_len / 4 tokens
        let n = count |> Option.bind intOf |> Option.defaultValue 100L
        let inputLen = slot "synthetic.input_tokens" |> Option.bind intOf |> Option.defaultValue 512L
        let seed = slot "synthetic.seed" |> Option.orElse (slot "seed") |> Option.bind intOf
        let source = promptsEntry [ slot "synthetic.count"; slot "synthetic.input_tokens"; slot "synthetic.seed" ] |> Option.defaultValue (defaultEntry "dataset" "")
        let tokens = max 1L (inputLen / 4L)
        synthetic n tokens seed source
        note source.Key.Range
            (sprintf "dataset: the original's synthetic prompts held input_len / 4 = %d random words (about as many tokens; dataset.n and output_len were not used); lem generates %d prompts of exactly %d tokens" tokens n tokens)
    else
        match datasetName with
        | Some d ->
            let text = scalarOf d
            let configFolder = Path.GetDirectoryName ctx.ConfigPath
            let full = Path.GetFullPath(Path.Combine(configFolder, text))
            let content =
                match (if text = "" then Ok None else Lem.Dsl.Checker.Imports.read ctx.Files full) with
                | Ok found -> found
                | Error undecodable ->
                    // the file is there: its bytes are the error (pre-flight reads it whole again)
                    report undecodable
                    Some ""
            match content with
            | Some content ->
                let relative = Path.GetRelativePath(ctx.RootFolder, full).Replace('\\', '/')
                let ext = Path.GetExtension(full).ToLowerInvariant()
                let format = match ext with ".jsonl" -> Some "jsonl" | ".json" -> Some "json" | ".csv" -> Some "csv" | ".txt" -> Some "text" | _ -> None
                let explicitColumn = slot "dataset.column" |> Option.map scalarOf
                // the original's loader took the first of these fields a record has
                let autoColumn () =
                    let first = content.Split('\n') |> Array.map (fun l -> l.Trim()) |> Array.tryFind (fun l -> l.StartsWith "{" && not (l.Contains "\"_"))
                    [ "text"; "prompt"; "question"; "instruction"; "input"; "content" ]
                    |> List.tryFind (fun c -> match first with Some l -> l.Contains(sprintf "\"%s\"" c) | None -> false)
                let column = match explicitColumn with Some c -> Some c | None when format = Some "jsonl" -> autoColumn () | None -> None
                let sample =
                    match slot "dataset.sample", count with
                    | Some s, _ -> intOf s
                    | None, Some c -> intOf c
                    | None, None -> None
                let order = slot "dataset.order" |> Option.map scalarOf
                let shuffle = (order = Some "shuffled") || (slot "dataset.shuffle" |> Option.bind boolOf = Some true)
                let seed = slot "dataset.seed" |> Option.orElse (slot "seed") |> Option.bind intOf
                let r = d.Key.Range
                let named n v = { Name = n; Range = r }, { Kind = v; Range = r }
                let args =
                    [ match format with Some f -> yield named "format" (Word f) | None -> ()
                      match column with Some c when format <> Some "text" -> yield named "column" (Str c) | _ -> ()
                      match sample with Some s -> yield named "sample" (Int s) | None -> ()
                      if shuffle then
                          yield named "shuffle" (Bool true)
                          match seed with Some s -> yield named "seed" (Int s) | None -> () ]
                add "prompts" d { Kind = Call("file", [ { Kind = Str relative; Range = r } ], args); Range = r }
                if order = Some "grouped" then
                    warn r "dataset_order: grouped sorted the original's records by their source field; lem reads the file in its order (sort the file to match)"
                match inputTokens with
                | Some t when not t.IsDefault ->
                    warn t.Key.Range (sprintf "%s: the original truncated each prompt to this many tokens; lem runs the file's prompts whole" t.Original)
                | _ -> ()
            | None ->
                refuse d.Key.Range d.Original (if text = "" then "(empty)" else text)
                    "lem reads prompts from local files only, and there is no such file next to this config (the original's built-in and Hugging Face datasets cannot be fetched here). Remedy: save the prompts as a .jsonl file (one {\"text\": ...} per line) and give its path, relative to this config"
        | None ->
            let n = count |> Option.bind intOf |> Option.defaultValue 1L
            let tokens = inputTokens |> Option.bind intOf |> Option.defaultValue 512L
            let source = promptsEntry [ count; inputTokens ] |> Option.defaultValue (defaultEntry "prompts" "")
            synthetic n tokens None source
            let tokenizer = backend |> Option.bind registry.Capabilities.TryFind |> Option.map (fun c -> c.HasTokenizer)
            if tokenizer = Some false then
                err whole Codes.YamlUnsupported
                    (sprintf "no dataset: the original took its prompts from a dataset (its command line's, or its default dataset); lem's stand-in is synthetic prompts of exact token counts, which backend %s cannot take (lem has no tokenizer for it). Remedy: give `dataset:` a local .jsonl file"
                        backend.Value)
            else
                warn whole
                    (sprintf "no dataset: the original took its prompts from a dataset (its command line's, or its default dataset), truncated to max_input_tokens; lem has none of them, so this config runs %d synthetic prompt%s of exactly %d tokens. Remedy: give `dataset:` a local .jsonl file for real prompts"
                        n (if n = 1L then "" else "s") tokens)
    match slot "prompts.type" with
    | Some t when scalarOf t <> "file" && scalarOf t <> "huggingface" ->
        err (YNode.range t.Node) Codes.YamlValue (sprintf "%s expects file or huggingface, got '%s'" t.Original (scalarOf t))
    | _ -> ()
    // --- devices: gpus with num_processes (data parallel) or a sharding strategy
    let cuda (i: int64, r: Range) = { Kind = Str(sprintf "cuda:%d" i); Range = r }
    let gpus =
        // one GPU index (an item of the list, or the list written as a single value)
        let index (e: Entry) (node: YNode) =
            match node with
            | YScalar(text, quoted, r) ->
                match scalarValue registry AsInteger text quoted r with
                | Ok { Kind = Int i } when i >= 0L -> Some(i, r)
                | _ ->
                    err r Codes.YamlValue (sprintf "%s expects GPU indices, got '%s'" e.Original text)
                    None
            | other ->
                err (YNode.range other) Codes.YamlValue (sprintf "%s expects a list of GPU indices" e.Original)
                None
        match slot "gpus" with
        | Some e ->
            match e.Node with
            | YSeq(items, r) ->
                let indices = items |> List.choose (index e)
                if indices.IsEmpty then err r Codes.YamlValue (sprintf "%s lists no GPU" e.Original)
                Some(e, indices)
            | single -> index e single |> Option.map (fun i -> e, [ i ])
        | None -> None
    let processes = slot "processes" |> Option.bind (fun e -> intOf e |> Option.map (fun n -> e, n))
    let strategy = slot "parallel.strategy" |> Option.map (fun e -> e, scalarOf e)
    let degree = slot "parallel.degree" |> Option.bind (fun e -> intOf e |> Option.map (fun n -> e, n))
    let backendName = backend |> Option.defaultValue ""
    match gpus with
    | Some(_, []) -> ()
    | Some(key, list) ->
        let first = List.head list
        let byStrategy =
            match strategy with
            | Some(_, ("none" | "")) | None -> None
            | Some(e, s) -> Some(e, s)
        match byStrategy, processes with
        | Some(e, ("pipeline_parallel" | "tensor_parallel" as s)), _ ->
            let n = degree |> Option.map snd |> Option.defaultValue (int64 list.Length)
            let own = sprintf "%s.%s_parallel_size" backendName (if s = "tensor_parallel" then "tensor" else "pipeline")
            if (registry.TryGet own).IsSome then
                // a server engine splits the model itself: device is its first GPU, the engine's own size its count
                add "device" key (cuda first)
                add own e { Kind = Int n; Range = e.Key.Range }
            else
                // an in-process backend splits it over parallel.devices, where it has the mode
                let mode = if s = "tensor_parallel" then "tensor" else "pipeline"
                let modes = backend |> Option.bind registry.Capabilities.TryFind |> Option.map (fun c -> List.ofSeq c.ParallelModes)
                match modes with
                | Some modes when not (List.contains mode modes) ->
                    refuse e.Key.Range e.Original s
                        (sprintf "backend %s cannot split a model that way (its parallel modes: %s)" backendName (String.Join(", ", modes)))
                | _ when int64 list.Length < n || n < 2L ->
                    err e.Key.Range Codes.YamlValue (sprintf "%s = %s over %d GPUs needs at least two GPUs listed in gpus (it lists %d)" e.Original s n list.Length)
                | _ ->
                    add "parallel.mode" e { Kind = Word mode; Range = e.Key.Range }
                    add "parallel.devices" key { Kind = List(list |> List.truncate (int n) |> List.map cuda); Range = key.Key.Range }
        | Some(e, "data_parallel"), _
        | None, Some(e, _) when (match processes with Some(_, n) -> n > 1L | None -> byStrategy.IsSome) ->
            let n =
                match processes, degree with
                | Some(_, n), _ -> n
                | None, Some(_, d) -> d
                | None, None -> int64 list.Length
            if int64 list.Length < n then
                err e.Key.Range Codes.YamlValue (sprintf "%s = %d needs at least as many GPUs, but %s lists %d" e.Original n key.Original list.Length)
            else
                add "parallel.mode" e { Kind = Word "data"; Range = e.Key.Range }
                add "parallel.devices" key { Kind = List(list |> List.truncate (int n) |> List.map cuda); Range = key.Key.Range }
        | Some(e, s), _ -> err (YNode.range e.Node) Codes.YamlValue (sprintf "%s expects none, data_parallel, tensor_parallel or pipeline_parallel, got '%s'" e.Original s)
        | None, _ ->
            add "device" key (cuda first)
            if not list.Tail.IsEmpty && not key.IsDefault then
                note key.Key.Range (sprintf "%s lists %d GPUs but one process runs (num_processes 1, no sharding): only cuda:%d is used" key.Original list.Length (fst first))
    | None -> ()
    // --- quantization (bitsandbytes in the original)
    let flag s = slot s |> Option.bind (fun e -> boolOf e |> Option.map (fun b -> e, b))
    match flag "quantization.4bit", flag "quantization.8bit" with
    | Some(e4, true), Some(_, true) -> err e4.Key.Range Codes.YamlValue "load_in_4bit and load_in_8bit are both true; the original refused that too: choose one"
    | Some(e, true), _ ->
        add "quantization" e (at e (Word "int4"))
        let quantType = slot "quantization.bnb_quant_type" |> Option.map scalarOf |> Option.defaultValue "nf4"
        note e.Key.Range
            (sprintf "%s: lem's int4 is symmetric int4 weights per group of 128 inputs, activations at precision; the original used bitsandbytes' %s 4-bit (bnb_4bit_* keys), which lem does not have" e.Original quantType)
    | _, Some(e, true) ->
        add "quantization" e (at e (Word "int8"))
        note e.Key.Range
            (sprintf "%s: lem's int8 is symmetric int8 weights per output channel; the original used bitsandbytes' LLM.int8 (outlier features kept in 16 bits), which lem does not have" e.Original)
    | _ ->
        match flag "quantization.flag" with
        | Some(e, true) -> note e.Key.Range (sprintf "%s: true alone changed nothing in the original either (load_in_4bit or load_in_8bit chose the weights)" e.Original)
        | _ -> ()
    // --- warm-up and baseline
    let warmupEnabled = flag "warmup.enabled"
    let convergence = flag "warmup.convergence"
    let anyWarmup = [ "warmup.enabled"; "warmup.convergence"; "warmup.n"; "warmup.max" ] |> List.exists (slot >> Option.isSome)
    if anyWarmup then
        let source = promptsEntry [ slot "warmup.n"; slot "warmup.max"; slot "warmup.convergence"; slot "warmup.enabled" ] |> Option.get
        match warmupEnabled with
        | Some(e, false) ->
            add "warmup.mode" e (at e (Word "fixed"))
            add "warmup.count" e (at e (Int 0L))
        | _ ->
            match convergence with
            | Some(e, true) ->
                add "warmup.mode" e (at e (Word "until_stable"))
                let most =
                    match slot "warmup.max", slot "warmup.n" with
                    | Some m, Some n when schema = V2 -> Option.map2 (+) (intOf m) (intOf n) |> Option.map (fun total -> m, total)
                    | Some m, _ -> intOf m |> Option.map (fun v -> m, v)
                    | None, _ -> None
                match most with
                | Some(m, v) -> add "warmup.count" m (at m (Int v))
                | None -> ()
                match slot "warmup.window" with Some w -> intOf w |> Option.iter (fun v -> add "warmup.window" w (at w (Int v))) | None -> ()
                match slot "warmup.cv" with Some c -> convert c AsDecimal (add "warmup.cv_threshold" c) | None -> ()
            | _ ->
                add "warmup.mode" source (at source (Word "fixed"))
                match slot "warmup.n" |> Option.orElse (slot "warmup.max") with
                | Some n -> intOf n |> Option.iter (fun v -> add "warmup.count" n (at n (Int v)))
                | None -> ()
        match slot "warmup.min" with
        | Some m when not m.IsDefault -> note m.Key.Range (sprintf "%s: lem tests the CV once warmup.window batches are in; it has no separate minimum" m.Original)
        | _ -> ()
    match slot "warmup.thermal_floor" with
    | Some t when not t.IsDefault ->
        warn t.Key.Range (sprintf "%s: the original waited this long after warm-up before measuring; lem measures right after warm-up (a campaign's gap pauses between experiments)" t.Original)
    | _ -> ()
    match flag "baseline.enabled", slot "baseline.duration" with
    | Some(e, false), _ -> add "baseline.duration" e (at e (Dur(TimeSpan.Zero, "0s")))
    | _, Some d -> convert d AsSeconds (add "baseline.duration" d)
    | _ -> ()
    // --- traffic: off unless `enabled: true` (then poisson unless a mode is given), as in the original
    let trafficKeys = [ "traffic.mode"; "traffic.qps"; "traffic.seed" ]
    match flag "traffic.enabled" with
    | Some(e, true) ->
        if not (assigned.Contains "traffic.mode") then add "traffic.mode" e (at e (Word "poisson"))
    | enabled ->
        let ignored = assignments |> Seq.filter (fun a -> List.contains a.Path.Text trafficKeys && a.Origin = Written) |> List.ofSeq
        for a in ignored do
            assignments.Remove a |> ignore
            assigned.Remove a.Path.Text |> ignore
        match ignored with
        | first :: _ -> note first.Path.Range "traffic simulation is off (enabled is not true, as in the original tool): its mode, target_qps and seed are ignored"
        | [] -> ()
        match enabled with
        | Some(e, false) -> add "traffic.mode" e (at e (Word "none"))
        | _ -> ()
    // --- the model: the original downloaded a Hugging Face id; a backend that reads a local folder needs it here
    let modelEntry = entries |> List.tryFind (fun e -> e.Canonical = "model_name" || e.Canonical = "model")
    let sources = backend |> Option.bind registry.Capabilities.TryFind |> Option.map (fun c -> List.ofSeq c.ModelSources)
    match modelEntry, sources with
    | Some({ Node = YScalar(text, _, r) } as m), Some kinds when not (text.Trim().StartsWith "synthetic(") && not (List.contains ModelSourceKind.ServerModelId kinds) ->
        let folder = Path.GetFullPath(Path.Combine(ctx.RootFolder, text.Trim()))
        let exists (path: string) = match Lem.Dsl.Checker.Imports.read ctx.Files path with Ok None -> false | _ -> true
        if not (exists (Path.Combine(folder, "config.json"))) && not (exists folder) then
            warn r
                (sprintf "%s: %s: the original downloaded this from the Hugging Face Hub; lem does not download models, and backend %s reads one from a local folder (this path, relative to the config's folder). Remedy: download it there (huggingface-cli download %s --local-dir %s, run in the config's folder), or give the path of a copy you have"
                    m.Original (text.Trim()) backend.Value (text.Trim()) (text.Trim()))
    | _ -> ()
    // --- the original's daemon mode: a schedule for `lem daemon`, on a campaign around this experiment
    match flag "schedule.enabled" with
    | Some(e, true) ->
        let text s = slot s |> Option.map scalarOf |> Option.filter (fun t -> t <> "")
        let days =
            match slot "schedule.days" |> Option.map (fun d -> d.Node) with
            | Some(YSeq(items, _)) -> items |> List.map (fun n -> match n with YScalar(t, _, _) -> t | _ -> "")
            | Some(YScalar(t, quoted, _)) when not (isNullScalar t quoted) -> [ t ]
            | _ -> []
        let original: OriginalSchedule.Original =
            { At = text "schedule.at"; Days = days; Interval = text "schedule.interval"
              // the original's ScheduleConfig ran 24 hours unless told otherwise
              TotalDuration = text "schedule.total_duration" |> Option.orElse (Some "24h") }
        match OriginalSchedule.translate original with
        | Ok t ->
            schedule <- Some(t.Cron, t.Cycles, e.Key.Range)
            note e.Key.Range
                (sprintf "%s: the original's daemon mode is a campaign with schedule = \"%s\" and %s cycles, one at each occurrence: lem daemon FILE runs it (lem run runs every cycle now)%s"
                    e.Original t.Cron (t.Cycles |> Option.map string |> Option.defaultValue "its") (t.Notes |> List.map (fun n -> "; " + n) |> String.concat ""))
        | Error reason -> refuse e.Key.Range e.Original "true" reason
    | _ -> ()
    // --- engine flags collected from a backend's section
    for kv in appended do
        let list, r = kv.Value
        assignments.Add { Path = { Parts = List.ofArray (kv.Key.Split '.'); Range = r }; Value = { Kind = List(List.ofSeq list); Range = r }; Range = r; Origin = Written }
    if describeDefaults && defaultsApplied.Count > 0 then
        note whole
            (sprintf "the original tool's defaults (%s) apply to what this file leaves out: %s (lem plan shows them with the origin 'original default')"
                (describe schema) (String.Join(", ", defaultsApplied)))
    let ident = name |> Option.defaultValue fallbackName
    let ordered = (assignments |> Seq.filter (fun a -> a.Origin = Written) |> List.ofSeq) @ (assignments |> Seq.filter (fun a -> a.Origin = OriginalDefault) |> List.ofSeq)
    { Statement = Experiment(ident, None, ordered, whole); Diagnostics = List.ofSeq diagnostics; SectionMismatch = mismatch; Schedule = schedule }
