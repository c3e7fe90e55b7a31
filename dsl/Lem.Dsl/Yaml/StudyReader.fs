/// Reads the original tool's multi-experiment files as a .lem campaign: a v1 campaign file (`campaign_name` with
/// `configs:` paths, a `grid:` of backends x models x shared axes, or `experiments:` entries) or a v2 study file
/// (`name`, shared experiment keys, a `sweep:` grid and `experiments:` entries). Each grid point becomes an
/// experiment that extends the study's base experiment with the values that differ from it (every point read by
/// ExperimentReader with the original's meaning, so a preset or `n` axis changes every value it implies); the
/// execution block becomes the campaign's cycles, order and gaps, and the file runs the campaign.
module internal Lem.Dsl.Yaml.StudyReader

open System
open System.IO
open Lem.Dsl.Syntax
open Lem.Dsl.Yaml.YamlTree
open Lem.Dsl.Yaml.YamlFiles
open Lem.Dsl.Yaml.YamlKeyMap
open Lem.Dsl.Yaml.OriginalSchema
open Lem.Dsl.Yaml.ExperimentReader

type FileKind =
    | ExperimentFile
    /// v1 (2026-01-23 to 2026-02-26): campaign_name, configs / grid / experiments, execution.
    | CampaignFile
    /// v2 (from 2026-02-27): name, sweep / experiments, execution.
    | StudyFile

let kindOf (items: (YKey * YNode) list) =
    let has k = items |> List.exists (fun (key, _) -> key.Text = k)
    if has "campaign_name" || has "configs" || has "grid" then CampaignFile
    elif has "sweep" || has "experiments" || has "execution" || has "runners" || (has "name" && not (has "config_name")) then StudyFile
    else ExperimentFile

/// A short label for a grid point's value (the last part of a model path).
let private label (node: YNode) =
    match node with
    | YScalar(text, _, _) -> (text.TrimEnd('/').Split('/') |> Array.last)
    | YMap _ -> "map"
    | YSeq _ -> "list"

let private itemsOf (node: YNode) = match node with YMap(items, _) -> items | _ -> []

/// Cartesian product of the axes, the first axis varying slowest (as itertools.product).
let private product (axes: (YKey * YNode list) list) : (YKey * YNode) list list =
    List.foldBack (fun (key, values) rest -> [ for v in values do for r in rest -> (key, v) :: r ]) axes [ [] ]

/// The list an axis holds (a single value is a list of one, as the original read it).
let private axisValues (node: YNode) = match node with YSeq(values, _) -> values | single -> [ single ]

/// Checks a grid before it is expanded: a value listed twice on an axis (two points alike, the second would be
/// skipped as done) and a product above the run limit are errors; true when the grid may be expanded.
let private gridBounded (report: SyntaxDiagnostic -> unit) (maxRuns: int) (what: string) (at: Range) (axes: (YKey * YNode list) list) =
    let mutable ok = true
    for (k, values) in axes do
        values
        |> List.groupBy ExperimentReader.valueText
        |> List.iter (fun (text, alike) ->
            if alike.Length > 1 then
                ok <- false
                report (SyntaxDiagnostic.error Codes.DuplicateSweepValue (YNode.range alike[1])
                    (sprintf "%s lists %s twice: the two grid points would be alike. Remedy: list each value once" k.Text text)))
    let count = axes |> List.fold (fun n (_, values) -> n * bigint (List.length values)) 1I
    if count > bigint maxRuns then
        ok <- false
        report (SyntaxDiagnostic.error Codes.TooManyRuns at (Lem.Dsl.Checker.Passes.RunLimits.tooMany what "grid points" count maxRuns))
    ok

type private Output =
    { Statements: ResizeArray<Statement>
      Diagnostics: ResizeArray<SyntaxDiagnostic> }

/// The assignments every member makes alike (same path, same value): the base the members extend.
let private common (members: Assignment list list) : Assignment list =
    match members with
    | [] -> []
    | first :: rest ->
        let same (a: Assignment) (others: Assignment list) =
            others |> List.exists (fun b -> b.Path.Text = a.Path.Text && Printer.value b.Value = Printer.value a.Value)
        first |> List.filter (fun a -> rest |> List.forall (same a))

let private assignment (key: YKey) (path: string) (kind: ValueKind) (origin: AssignmentOrigin) =
    let v = { Kind = kind; Range = key.Range }
    { Path = { Parts = List.ofArray (path.Split '.'); Range = key.Range }; Value = v; Range = key.Range; Origin = origin }

/// The campaign's settings from an execution block: (original key -> (lem key, value)), the original's defaults for
/// the rest.
let private executionSettings (schema: Schema) (report: SyntaxDiagnostic -> unit) (execution: (YKey * YNode) list) (whole: Range) =
    let settings = ResizeArray<Assignment>()
    let given = execution |> List.map (fun (k, _) -> k.Text) |> set
    let root = { Text = ""; Range = whole }
    let entries =
        [ for (k, v) in execution -> k, v, Written
          for (k, text) in campaignDefaults schema do
              if not (given.Contains k) then yield { root with Text = k }, YScalar(text, false, whole), OriginalDefault ]
    let seconds (node: YNode) =
        match node with
        | YScalar(text, false, _) ->
            match Double.TryParse(text, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture) with
            | true, d when d >= 0.0 -> Some(TimeSpan.FromSeconds d)
            | _ -> None
        | _ -> None
    let bad (k: YKey) (node: YNode) expected =
        report (SyntaxDiagnostic.error Codes.YamlValue (YNode.range node) (sprintf "execution.%s expects %s" k.Text expected))
    for (k, node, origin) in entries do
        let text = match node with YScalar(t, _, _) -> t.Trim() | _ -> ""
        let integer () =
            match Int64.TryParse text with
            | true, i when i >= 1L -> Some i
            | _ ->
                bad k node "a positive integer"
                None
        match k.Text with
        | _ when (match node with YScalar(t, q, _) -> not q && (t = "" || t = "null" || t = "~") | _ -> false) -> ()
        | "cycles" | "n_cycles" -> integer () |> Option.iter (fun i -> settings.Add(assignment k "cycles" (Int i) origin))
        | "structure" | "cycle_order" ->
            match text with
            | "interleaved" | "shuffled" | "grouped" -> settings.Add(assignment k "order" (Word text) origin)
            // sequential ran every cycle of one experiment before the next: lem's grouped
            | "sequential" -> settings.Add(assignment k "order" (Word "grouped") origin)
            | _ -> bad k node "interleaved, shuffled, grouped or sequential"
        | "shuffle_seed" ->
            match Int64.TryParse text with
            | true, i when i >= 0L -> settings.Add(assignment k "seed" (Int i) origin)
            | _ -> bad k node "a non-negative integer"
        | "config_gap_seconds" | "experiment_gap_seconds" | "cycle_gap_seconds" ->
            match seconds node with
            | Some t ->
                let path = if k.Text = "cycle_gap_seconds" then "cycle_gap" else "gap"
                settings.Add(assignment k path (Dur(t, Lem.Engine.Config.DurationText.Format t)) origin)
            | None -> bad k node "a number of seconds"
        | "warmup_prompts" | "warmup_timeout_seconds" | "skip_preflight" -> ()
        | other ->
            let hint = DidYouMean.hint [ "cycles"; "structure"; "warmup_prompts"; "warmup_timeout_seconds"; "config_gap_seconds"; "cycle_gap_seconds"; "n_cycles"; "cycle_order"; "experiment_gap_seconds"; "shuffle_seed"; "skip_preflight" ] other
            report (SyntaxDiagnostic.error Codes.YamlUnknownKey k.Range (sprintf "unknown key 'execution.%s'%s" other hint))
    if not (given.Contains "shuffle_seed") && (settings |> Seq.exists (fun a -> a.Value.Kind = Word "shuffled")) then
        report (SyntaxDiagnostic.info Codes.YamlNote whole
            "shuffled order: the original derived its shuffle seed from the study's contents; lem shuffles with campaign seed 0 (set execution.shuffle_seed to choose one)")
    List.ofSeq settings

/// The statements of a multi-experiment file: experiments, a campaign and `run CAMPAIGN`.
let read (ctx: Context) (items: (YKey * YNode) list) (whole: Range) : Statement list * SyntaxDiagnostic list =
    let out = { Statements = ResizeArray(); Diagnostics = ResizeArray() }
    let report = out.Diagnostics.Add
    let err (r: Range) code message = report (SyntaxDiagnostic.error code r message)
    let note (r: Range) message = report (SyntaxDiagnostic.info Codes.YamlNote r message)
    let find k = items |> List.tryFind (fun (key, _) -> key.Text = k)
    let kind = kindOf items
    let schema = if kind = StudyFile then V2 else V1Late
    let displayStem = Path.GetFileNameWithoutExtension ctx.ConfigPath
    let campaignName =
        match find "name" |> Option.orElse (find "campaign_name") with
        | Some(_, YScalar(text, _, r)) when text.Trim() <> "" -> { Name = identifier text; Range = r }
        | _ -> { Name = identifier displayStem; Range = whole }
    let members = ResizeArray<Ident>()
    let ident (text: string) (r: Range) = { Name = identifier text; Range = r }
    /// The grid points as experiments: one alone as it is; several as `NAME_base` (what they all set alike) and each
    /// point extending it with the rest.
    let withBase (schema: Schema) (points: (Ident * (YKey * YNode) list) list) =
        let names = Collections.Generic.HashSet<string>()
        let lowered =
            points
            |> List.mapi (fun i (name, point) ->
                let name = if names.Add name.Name then name else ident (sprintf "%s_%d" name.Name (i + 1)) name.Range
                names.Add name.Name |> ignore
                name, lower ctx schema (i = 0) name point whole)
            |> List.filter (fun (name, l) ->
                if l.SectionMismatch then
                    note name.Range (sprintf "grid point %s skipped, as the original skipped it: it has a backend's section for another backend" name.Name)
                not l.SectionMismatch)
        for (_, l) in lowered do
            for d in l.Diagnostics do report d
        let assignmentsOf (l: Lowered) = match l.Statement with Experiment(_, _, a, _) -> a | _ -> []
        match lowered with
        | [ name, l ] ->
            out.Statements.Add l.Statement
            members.Add name
        | _ ->
            let baseName = ident (campaignName.Name + "_base") campaignName.Range
            let shared = common (lowered |> List.map (snd >> assignmentsOf))
            out.Statements.Add(Experiment(baseName, None, shared, whole))
            let sharedPaths = shared |> List.map (fun a -> a.Path.Text) |> set
            for (name, l) in lowered do
                match l.Statement with
                | Experiment(n, _, assignments, r) ->
                    out.Statements.Add(Experiment(n, Some baseName, assignments |> List.filter (fun a -> not (sharedPaths.Contains a.Path.Text)), r))
                | other -> out.Statements.Add other
                members.Add name
    let replaceTop (fixedItems: (YKey * YNode) list) (overrides: (YKey * YNode) list) =
        let keys = overrides |> List.map (fun (k, _) -> k.Text) |> set
        (fixedItems |> List.filter (fun (k, _) -> not (keys.Contains k.Text))) @ overrides
    let mutable settings = []
    match kind with
    | StudyFile ->
        let studyOnly = set [ "sweep"; "experiments"; "execution"; "base"; "name"; "version"; "runners" ]
        let baseFile =
            match find "base" with
            | Some(_, YScalar(path, _, r)) ->
                let full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName ctx.ConfigPath, path))
                match load ctx.Files full [ ctx.ConfigPath ] with
                | Some tree, ds ->
                    for d in ds do report d
                    itemsOf tree |> List.filter (fun (k, _) -> not (studyOnly.Contains k.Text))
                | None, ds ->
                    for d in ds do report d
                    err r Codes.YamlExtends (sprintf "base: %s cannot be read (the path is relative to this file)" path)
                    []
            | Some(k, _) ->
                err k.Range Codes.YamlValue "base takes one file path"
                []
            | None -> []
        let fixedItems = replaceTop baseFile (items |> List.filter (fun (k, _) -> not (studyOnly.Contains k.Text)))
        let sweepPoints =
            match find "sweep" with
            | Some(sk, YMap(axes, _)) ->
                let axes = axes |> List.map (fun (k, v) -> k, axisValues v)
                for (k, values) in axes do
                    if values.IsEmpty then err k.Range Codes.YamlValue (sprintf "sweep.%s lists no values, so the study has no grid points" k.Text)
                if not (gridBounded report ctx.MaxRuns "the study's sweep" sk.Range axes) then [] else
                [ for combo in product axes ->
                      let tree = combo |> List.fold (fun tree (k, v) -> setPath tree k k.Text v) (YMap(fixedItems, whole))
                      let name = campaignName.Name + "_" + (combo |> List.map (snd >> label) |> String.concat "_")
                      ident name whole, itemsOf tree ]
            | Some(k, _) ->
                err k.Range Codes.YamlValue "sweep must be a mapping of keys to lists of values"
                []
            | None -> []
        let explicitPoints =
            match find "experiments" with
            | Some(_, YSeq(entries, _)) ->
                entries
                |> List.mapi (fun i entry ->
                    match entry with
                    | YMap(own, r) -> Some(ident (sprintf "%s_experiment_%d" campaignName.Name (i + 1)) r, replaceTop fixedItems own)
                    | other ->
                        err (YNode.range other) Codes.YamlValue "each of experiments is a mapping of experiment keys"
                        None)
                |> List.choose id
            | Some(k, _) ->
                err k.Range Codes.YamlValue "experiments must be a list of experiment mappings"
                []
            | None -> []
        let points = sweepPoints @ explicitPoints
        withBase V2 (if points.IsEmpty then [ ident (campaignName.Name + "_experiment") campaignName.Range, fixedItems ] else points)
        match find "runners" with
        | Some(_, YMap(runners, _)) ->
            for (k, v) in runners do
                match v with
                | YScalar(text, _, _) when text.Trim() = "local" -> ()
                | _ -> note k.Range (sprintf "runners.%s: %s: lem runs the engine itself on this machine (a server it launches, or server.url); the original's Docker runner is not used" k.Text (valueText v))
        | _ -> ()
        settings <- executionSettings V2 report (find "execution" |> Option.map (snd >> itemsOf) |> Option.defaultValue []) whole
    | CampaignFile ->
        // the campaign's model, dataset and prompt count apply to each of its experiments
        let shared =
            [ match find "model" with Some(k, v) -> yield { k with Text = "model_name" }, v | None -> ()
              match find "dataset" with Some(k, v) -> yield k, v | None -> ()
              match find "num_samples" with Some(k, v) -> yield { k with Text = "num_input_prompts" }, v | None -> () ]
        let configs =
            match find "configs" with
            | Some(_, YSeq(paths, _)) -> paths
            | Some(k, _) ->
                err k.Range Codes.YamlValue "configs must be a list of experiment config paths"
                []
            | None -> []
        let loadConfig (pathNode: YNode) (overrides: YNode option) =
            match pathNode with
            | YScalar(path, _, r) ->
                let full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName ctx.ConfigPath, path))
                match load ctx.Files full [ ctx.ConfigPath ] with
                | Some tree, ds ->
                    for d in ds do report d
                    let tree = match overrides with Some o -> merge tree o | None -> tree
                    let own = replaceTop (itemsOf tree) shared
                    let configCtx = { ctx with ConfigPath = full }
                    let lowered = lower configCtx (detect own) true (ident (Path.GetFileNameWithoutExtension full) r) own (YNode.range tree)
                    for d in lowered.Diagnostics do report d
                    out.Statements.Add lowered.Statement
                    match lowered.Statement with
                    | Experiment(n, _, _, _) -> members.Add n
                    | _ -> ()
                | None, ds -> for d in ds do report d
            | other -> err (YNode.range other) Codes.YamlValue "a config path"
        for p in configs do loadConfig p None
        match find "experiments" with
        | Some(_, YSeq(entries, _)) ->
            for entry in entries do
                let own = itemsOf entry
                let get k = own |> List.tryFind (fun (key, _) -> key.Text = k) |> Option.map snd
                match get "config" with
                | Some p ->
                    let overrides =
                        get "overrides"
                        |> Option.map (fun o -> itemsOf o |> List.fold (fun tree (k, v) -> setPath tree k k.Text v) (YMap([], YNode.range o)))
                    loadConfig p overrides
                | None -> err (YNode.range entry) Codes.YamlValue "each of experiments names its config: {config: PATH, overrides: {...}}"
        | Some(k, _) -> err k.Range Codes.YamlValue "experiments must be a list of {config: PATH, overrides: {...}}"
        | None -> ()
        match find "grid" with
        | Some(gk, YMap(grid, _)) ->
            let get k = grid |> List.tryFind (fun (key, _) -> key.Text = k)
            let backends = match get "backends" with Some(k, v) -> [ k, axisValues v ] | None -> []
            let models = match get "models" with Some(k, v) -> [ { k with Text = "model_name" }, axisValues v ] | None -> []
            let sharedAxes =
                [ for key in [ "shared"; "axes" ] do
                      match get key with
                      | Some(k, YMap(axes, _)) ->
                          if key = "axes" then
                              report (SyntaxDiagnostic.warning Codes.YamlNote k.Range
                                  "grid.axes: the original tool did not read this key (its key is grid.shared) and ran only the backends; lem reads it as grid.shared. Remedy: write shared: to mean the same in both tools")
                          yield! axes |> List.map (fun (a, v) -> a, axisValues v)
                      | _ -> () ]
            for (k, _) in grid do
                if not (List.contains k.Text [ "backends"; "models"; "shared"; "axes"; "backend_overrides" ]) then
                    err k.Range Codes.YamlUnknownKey (sprintf "unknown key 'grid.%s'%s" k.Text (DidYouMean.hint [ "backends"; "models"; "shared"; "backend_overrides" ] k.Text))
            if backends.IsEmpty then err gk.Range Codes.YamlValue "grid needs backends: [...]"
            let overrides =
                match get "backend_overrides" with
                | Some(_, YMap(perBackend, _)) -> perBackend |> List.map (fun (b, v) -> b.Text, itemsOf v |> List.map (fun (k, v) -> { k with Text = b.Text + "." + k.Text }, axisValues v)) |> Map.ofList
                | _ -> Map.empty
            let bounded =
                let perBackend = models @ sharedAxes
                gridBounded report ctx.MaxRuns "the campaign's grid" gk.Range (backends @ perBackend)
                && (overrides |> Map.forall (fun _ axes -> gridBounded report ctx.MaxRuns "the campaign's grid" gk.Range (backends @ perBackend @ axes)))
            let points =
                if not bounded then [] else
                [ for (bk, backendValues) in backends do
                      for b in backendValues do
                          let backendName = match b with YScalar(t, _, _) -> t.Trim() | _ -> ""
                          let axes = models @ sharedAxes @ (overrides.TryFind backendName |> Option.defaultValue [])
                          for combo in product axes do
                              let tree = (({ bk with Text = "backend" }, b) :: combo) |> List.fold (fun tree (k, v) -> setPath tree k k.Text v) (YMap(shared, whole))
                              let name = campaignName.Name + "_" + (b :: (combo |> List.map snd) |> List.map label |> String.concat "_")
                              yield ident name whole, itemsOf tree ]
            withBase V1Late points
        | Some(k, _) -> err k.Range Codes.YamlValue "grid must be a mapping (backends, models, shared)"
        | None -> ()
        if members.Count = 0 && (find "grid").IsNone then
            err campaignName.Range Codes.YamlValue "the campaign names no experiments: give configs: [...], grid: {...} or experiments: [...]"
        // campaign keys that change nothing here, or that lem cannot honour
        let mutable coldStart = None
        for (k, v) in items do
            match k.Text, v with
            | ("cold_start", YMap(inner, _)) ->
                for (ik, iv) in inner do
                    match ik.Text, valueText iv with
                    | ("force_cold_start" | "restart_container"), "false" -> ()
                    // the original reloaded the model before every experiment: lem runs each in a fresh process
                    | "force_cold_start", "true" -> coldStart <- Some ik
                    | "restart_container", "true" ->
                        err ik.Range Codes.YamlUnsupported
                            "cold_start.restart_container: true: lem runs no containers. Remedy: use cold_start.force_cold_start: true (a fresh lem process per experiment, its model loaded for it)"
                    | name, text ->
                        err ik.Range Codes.YamlValue (sprintf "cold_start.%s: %s: expected true or false (force_cold_start, restart_container)" name text)
            | "group_by", _ -> note k.Range "group_by: lem's campaign results are grouped in analyze (table ... by backend, ...), not in the campaign"
            | ("health_check" | "io" | "daemon" | "schedule" | "schema_version" | "campaign_name" | "model" | "dataset" | "num_samples" | "configs" | "grid" | "experiments" | "execution" | "cold_start"), _ -> ()
            | other, _ ->
                let hint = DidYouMean.hint [ "campaign_name"; "model"; "dataset"; "num_samples"; "configs"; "grid"; "experiments"; "execution"; "cold_start"; "group_by"; "health_check"; "daemon"; "io"; "schedule" ] other
                err k.Range Codes.YamlUnknownKey (sprintf "unknown campaign key '%s'%s" other hint)
        let execution = find "execution" |> Option.map (snd >> itemsOf) |> Option.defaultValue []
        settings <- executionSettings V1Late report execution whole
        match coldStart with
        | Some key -> settings <- settings @ [ assignment key "cold_start" (Bool true) Written ]
        | None -> ()
        // daemon: (at or interval, total_duration) and schedule: (at, days): a cron schedule for lem daemon
        let mappingOf k = match find k with Some(key, YMap(inner, _)) -> Some(key, inner) | _ -> None
        let textIn (inner: (YKey * YNode) list) k =
            inner |> List.tryPick (fun (ik, iv) -> match iv with YScalar(t, q, _) when ik.Text = k && not (q = false && (t = "" || t = "null" || t = "~")) -> Some(t.Trim()) | _ -> None)
        let daemon = mappingOf "daemon" |> Option.filter (fun (_, inner) -> textIn inner "enabled" = Some "true")
        let legacy = mappingOf "schedule" |> Option.filter (fun (_, inner) -> not inner.IsEmpty)
        match daemon, legacy with
        | None, None -> ()
        | _ ->
            let key = (daemon |> Option.orElse legacy).Value |> fst
            let d = daemon |> Option.map snd |> Option.defaultValue []
            let l = legacy |> Option.map snd |> Option.defaultValue []
            let days =
                l |> List.tryPick (fun (ik, iv) ->
                    match iv with
                    | YSeq(items, _) when ik.Text = "days" -> Some(items |> List.map (fun n -> match n with YScalar(t, _, _) -> t | _ -> ""))
                    | YScalar(t, false, _) when ik.Text = "days" && t <> "" && t <> "null" -> Some [ t ]
                    | _ -> None)
                |> Option.defaultValue []
            let original: OriginalSchedule.Original =
                { At = textIn d "at" |> Option.orElse (textIn l "at"); Days = days; Interval = textIn d "interval"; TotalDuration = textIn d "total_duration" }
            match OriginalSchedule.translate original with
            | Ok t ->
                let scheduleSetting = assignment key "schedule" (Str t.Cron) Written
                settings <-
                    match t.Cycles with
                    | Some n -> (settings |> List.filter (fun a -> a.Path.Text <> "cycles")) @ [ scheduleSetting; assignment key "cycles" (Int(int64 n)) Written ]
                    | None -> settings @ [ scheduleSetting ]
                note key.Range
                    (sprintf "%s: a campaign schedule = \"%s\": lem daemon FILE runs one cycle at each occurrence (lem run runs every cycle now)%s"
                        key.Text t.Cron (t.Notes |> List.map (fun n -> "; " + n) |> String.concat ""))
            | Error reason -> err key.Range Codes.YamlUnsupported (sprintf "%s: %s" key.Text reason)
        match execution |> List.tryFind (fun (k, _) -> k.Text = "warmup_prompts") with
        | Some(k, v) -> note k.Range (sprintf "execution.warmup_prompts: %s: each experiment's warm-up is its own warmup.* (lem counts warm-up batches)" (valueText v))
        | None -> ()
        match execution |> List.tryFind (fun (k, _) -> k.Text = "warmup_timeout_seconds") with
        | Some(k, _) -> note k.Range "execution.warmup_timeout_seconds: lem's warm-up has no time limit (warmup.count bounds it)"
        | None -> ()
    | ExperimentFile -> ()
    let experimentsValue = { Kind = List [ for m in members -> { Kind = Word m.Name; Range = m.Range } ]; Range = campaignName.Range }
    let campaignAssignments =
        { Path = { Parts = [ "experiments" ]; Range = campaignName.Range }; Value = experimentsValue; Range = campaignName.Range; Origin = Written }
        :: settings
    out.Statements.Add(Campaign(campaignName, campaignAssignments, whole))
    out.Statements.Add(Run(campaignName, whole))
    List.ofSeq out.Statements, List.ofSeq out.Diagnostics
