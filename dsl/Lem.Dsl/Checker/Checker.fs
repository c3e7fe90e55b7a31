/// The checker: imports, let bindings, inheritance, sweeps, campaigns, overrides and validation against
/// the registry. Pure apart from reading imported files through `SourceFiles`; never throws on user input.
module Lem.Dsl.Checker.Checker

open System
open System.Collections.Generic
open System.IO
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.RegistryAdapter

type CheckOptions =
    { Registry: Registry
      Files: SourceFiles
      Overrides: Override list }

/// Disk files, paths shown relative to the current directory, the engine's registry, no overrides.
let defaultOptions () =
    { Registry = RegistryAdapter.engine ()
      Files = Imports.diskFiles Environment.CurrentDirectory
      Overrides = [] }

let private kindName (s: Statement) =
    match s with
    | Let _ -> "a let binding"
    | Experiment _ -> "an experiment"
    | Sweep _ -> "a sweep"
    | Campaign _ -> "a campaign"
    | _ -> "a statement"

let private assignmentProvenance (r: Range) = Provenance.Assignment(r.File, r.StartLine, r.StartCol) :> Provenance

type private Step = { Path: string; Value: ConfigValue; Provenance: Provenance; Range: Range; SourceText: string option }

let private sourceText (v: Value) =
    match v.Kind with
    | Dur(_, text) -> Some text
    | _ -> None

let private applySteps (owner: string) (values: IReadOnlyDictionary<string, ResolvedValue>) (history: Map<string, ValueStep list>) (steps: Step list) =
    let result = Dictionary<string, ResolvedValue>(values)
    let mutable hist = history
    for s in steps do
        let rv = ResolvedValue(s.Value, s.Provenance)
        result[s.Path] <- rv
        let previous = hist.TryFind s.Path |> Option.defaultValue []
        hist <- hist.Add(s.Path, previous @ [ { Value = rv; Owner = owner; Range = s.Range; SourceText = s.SourceText } ])
    result :> IReadOnlyDictionary<_, _>, hist

let private checkLoadedUnguarded (options: CheckOptions) (located: Located list) (preDiagnostics: SyntaxDiagnostic list) : CheckedProgram =
    let registry = options.Registry
    let diagnostics = ResizeArray<SyntaxDiagnostic>(preDiagnostics)
    let report d = diagnostics.Add d
    let error code range message = report (SyntaxDiagnostic.error code range message)

    // 1. definitions, one namespace
    let defs = Dictionary<string, Statement>()
    let order = ResizeArray<string>()
    for l in located do
        match Statement.definedName l.Statement with
        | Some n when defs.ContainsKey n.Name ->
            let first = Statement.range defs[n.Name]
            error Codes.DuplicateDefinition n.Range (sprintf "'%s' is already defined at %s:%d; pick another name" n.Name first.File first.StartLine)
        | Some n ->
            defs[n.Name] <- l.Statement
            order.Add n.Name
        | None -> ()
    let namesOf pred = defs |> Seq.filter (fun kv -> pred kv.Value) |> Seq.map (fun kv -> kv.Key) |> List.ofSeq
    let isExperiment = function Experiment _ -> true | _ -> false
    let didYouMean candidates name =
        match closest candidates name with
        | Some c -> sprintf "; did you mean '%s'?" c
        | None -> ""

    // 2. let bindings, in order
    let mutable lets: Lowering.LetEnv = Map.empty
    for name in order do
        match defs[name] with
        | Let(n, v, _) -> lets <- lets.Add(n.Name, Lowering.lower lets false report v)
        | _ -> ()

    let lowerFor (path: string) (v: Value) =
        let kind = registry.TryGet path |> Option.map (fun d -> d.Kind)
        Lowering.lowerWith lets (Lowering.wordsMustBindFor kind) (registry.CallsFor path) report v

    let overrideSteps () =
        options.Overrides
        |> List.map (fun o ->
            { Path = o.Path
              Value = lowerFor o.Path o.Value
              Provenance = Provenance.CommandLine("--set")
              Range = o.Value.Range
              SourceText = sourceText o.Value })
    let overrides = overrideSteps ()
    let withOverrides (e: CheckedExperiment) =
        if overrides.IsEmpty then e
        else
            let values, history = applySteps "command line" e.Values e.History overrides
            { e with Values = values; History = history }

    // 3. experiments, with inheritance (forward references allowed; cycles reported)
    let resolved = Dictionary<string, CheckedExperiment>()
    let rec resolve (name: string) (stack: string list) : CheckedExperiment option =
        match resolved.TryGetValue name with
        | true, e -> Some e
        | _ ->
            match defs.TryGetValue name with
            | true, Experiment(n, parent, assignments, range) ->
                let parentExperiment =
                    match parent with
                    | None -> None
                    | Some p when List.contains p.Name (name :: stack) ->
                        let chain = List.rev (name :: stack) |> List.skipWhile (fun x -> x <> p.Name)
                        let text = (chain @ [ p.Name ]) |> String.concat " extends "
                        error Codes.InheritanceCycle p.Range (sprintf "inheritance cycle: %s" text)
                        None
                    | Some p ->
                        match defs.TryGetValue p.Name with
                        | true, Experiment _ -> resolve p.Name (name :: stack)
                        | true, other ->
                            error Codes.UnknownParent p.Range (sprintf "'%s' is %s; an experiment can only extend an experiment" p.Name (kindName other))
                            None
                        | _ ->
                            error Codes.UnknownParent p.Range (sprintf "unknown parent experiment '%s'%s" p.Name (didYouMean (namesOf isExperiment) p.Name))
                            None
                let seen = HashSet<string>()
                let steps =
                    assignments
                    |> List.map (fun a ->
                        let path = a.Path.Text
                        if not (seen.Add path) then
                            report (SyntaxDiagnostic.warning Codes.DuplicateAssignment a.Path.Range (sprintf "%s is assigned twice in '%s'; the last assignment wins" path n.Name))
                        { Path = path; Value = lowerFor path a.Value; Provenance = assignmentProvenance a.Path.Range; Range = a.Path.Range; SourceText = sourceText a.Value })
                let baseValues, baseHistory =
                    match parentExperiment with
                    | Some p -> p.Values, p.History
                    | None -> Dictionary<string, ResolvedValue>() :> IReadOnlyDictionary<_, _>, Map.empty
                let values, history = applySteps n.Name baseValues baseHistory steps
                let e =
                    { Name = n.Name
                      Range = n.Range
                      Source = Declared(parent |> Option.map (fun p -> p.Name))
                      Values = values
                      History = history }
                resolved[name] <- e
                Some e
            | _ -> None

    // 4. sweeps
    let sweeps = Dictionary<string, CheckedSweep>()
    let members = Dictionary<string, CheckedExperiment>()
    let sweepMembers = Dictionary<string, (CheckedExperiment * Range) list>()
    for name in order do
        match defs[name] with
        | Sweep(n, parent, zip, assignments, range) ->
            let parentExperiment =
                match defs.TryGetValue parent.Name with
                | true, Experiment _ -> resolve parent.Name []
                | true, other ->
                    error Codes.UnknownParent parent.Range (sprintf "'%s' is %s; a sweep varies an experiment" parent.Name (kindName other))
                    None
                | _ ->
                    error Codes.UnknownParent parent.Range (sprintf "unknown experiment '%s'%s" parent.Name (didYouMean (namesOf isExperiment) parent.Name))
                    None
            let axes =
                assignments
                |> List.map (fun a ->
                    let path = a.Path.Text
                    let items =
                        match a.Value.Kind with
                        | List items -> items |> List.map (fun v -> lowerFor path v, v)
                        | _ ->
                            match lowerFor path a.Value with
                            | :? ConfigValue.List as l -> l.Items |> Seq.map (fun v -> v, a.Value) |> List.ofSeq
                            | single -> [ single, a.Value ]
                    path, a, items)
            for (path, a, items) in axes do
                if items.IsEmpty then error Codes.EmptySweep a.Value.Range (sprintf "sweep '%s': %s has no values, so the sweep has no members" n.Name path)
                if overrides |> List.exists (fun o -> o.Path = path) then
                    // overrides apply after expansion: every member would run with the --set value under its own axis name
                    report (SyntaxDiagnostic.warning Codes.OverrideOnSweepAxis a.Path.Range
                        (sprintf "--set %s overrides the axis %s of sweep '%s': its members all run with the --set value although their names say otherwise. Remedy: drop the --set, or sweep another parameter" path path n.Name))
            let lengths = axes |> List.map (fun (_, _, items) -> items.Length) |> List.distinct
            let combos =
                if zip && lengths.Length > 1 then
                    let detail = axes |> List.map (fun (p, _, items) -> sprintf "%s has %d" p items.Length) |> String.concat ", "
                    error Codes.ZipLengthMismatch n.Range (sprintf "zip sweep '%s' needs lists of one length: %s" n.Name detail)
                    []
                elif zip then
                    let count = match lengths with [ l ] -> l | _ -> 0
                    [ for i in 0 .. count - 1 -> axes |> List.map (fun (p, a, items) -> p, a, items[i]) ]
                else
                    let rec product axes =
                        match axes with
                        | [] -> [ [] ]
                        | (p, a, items) :: rest -> [ for it in items do for r in product rest -> (p, a, it) :: r ]
                    if axes.IsEmpty then [] else product axes
            match parentExperiment with
            | Some parentE ->
                let built =
                    combos
                    |> List.mapi (fun i combo ->
                        let label = combo |> List.map (fun (p, _, (v: ConfigValue, _)) -> sprintf "%s=%O" p v) |> String.concat ","
                        let memberName = sprintf "%s[%s]" n.Name label
                        let steps =
                            combo
                            |> List.map (fun (p, (a: Assignment), (v, (syntax: Value))) ->
                                { Path = p
                                  Value = v
                                  Provenance = Provenance.Sweep(n.Name, a.Path.Range.File, a.Path.Range.StartLine)
                                  Range = syntax.Range
                                  SourceText = match syntax.Kind with List _ -> None | _ -> sourceText syntax })
                        let values, history = applySteps n.Name parentE.Values parentE.History steps
                        { Name = memberName
                          Range = n.Range
                          Source = SweepMember(n.Name, i)
                          Values = values
                          History = history },
                        range)
                sweepMembers[n.Name] <- built
            | None -> sweepMembers[n.Name] <- []
            sweeps[n.Name] <- { Name = n.Name; Parent = parent.Name; Zip = zip; Members = []; Dropped = []; Range = n.Range }
        | _ -> ()
    for name in order do
        match defs[name] with
        | Experiment _ -> resolve name [] |> ignore
        | _ -> ()

    // 5. validation (after overrides)
    let backendOf (e: CheckedExperiment) =
        let fromValue (v: ConfigValue) =
            match v with
            | :? ConfigValue.Word as w -> w.Value
            | :? ConfigValue.Text as t -> t.Value
            | other -> string other
        match e.Values.TryGetValue "backend" with
        | true, rv -> fromValue rv.Value
        | _ ->
            match registry.TryGet "backend" with
            | Some d when not (isNull (box d.Default)) -> fromValue d.Default
            | _ -> ""
    let rangeOf (e: CheckedExperiment) (parameter: string) (location: Provenance) =
        match (if isNull parameter then None else e.History.TryFind parameter) with
        | Some steps when not steps.IsEmpty -> (List.last steps).Range
        | _ ->
            match location with
            | :? Provenance.Assignment as a -> Range.point a.File a.Line a.Column
            | _ -> e.Range
    let notApplicable (e: CheckedExperiment) =
        let backend = backendOf e
        [ for kv in e.Values do
              match registry.TryGet kv.Key with
              | Some d when not (d.AppliesTo backend) -> kv.Key, String.Join(", ", d.BackendsOrAll), backend
              | _ -> () ]
    let validate (e: CheckedExperiment) =
        let skipped = notApplicable e |> List.map (fun (p, _, _) -> p) |> set
        for d in registry.Validate e.Values do
            if not (skipped.Contains d.Parameter) then
                report { Code = d.Code; Severity = d.Severity; Range = rangeOf e d.Parameter d.Location; Message = d.Message }

    let experiments = Dictionary<string, CheckedExperiment>()
    for kv in resolved do
        let e = withOverrides kv.Value
        experiments[kv.Key] <- e
        validate e
        for (p, backends, backend) in notApplicable e do
            error NotApplicable (rangeOf e p null) (sprintf "%s does not apply to backend %s (it applies to %s)" p backend backends)
    for kv in sweepMembers do
        let kept = ResizeArray<string>()
        let dropped = ResizeArray<string>()
        for (m, range) in kv.Value do
            let m = withOverrides m
            match notApplicable m with
            | [] ->
                validate m
                experiments[m.Name] <- m
                kept.Add m.Name
            | (p, _, backend) :: _ ->
                report (SyntaxDiagnostic.info Codes.SweepMemberDropped range (sprintf "sweep member %s dropped: %s does not apply to backend %s" m.Name p backend))
                dropped.Add m.Name
        sweeps[kv.Key] <- { sweeps[kv.Key] with Members = List.ofSeq kept; Dropped = List.ofSeq dropped }

    // 6. campaigns
    let campaigns = Dictionary<string, CheckedCampaign>()
    let lookupMember (w: string) =
        if experiments.ContainsKey w && not (w.Contains '[') then CampaignSettings.Members [ w ]
        elif sweeps.ContainsKey w then CampaignSettings.Members sweeps[w].Members
        elif defs.ContainsKey w then CampaignSettings.NotListable(kindName defs[w])
        else CampaignSettings.Unknown(didYouMean (namesOf (function Experiment _ | Sweep _ -> true | _ -> false)) w)
    for name in order do
        match defs[name] with
        | Campaign(n, assignments, _) ->
            let campaign = CampaignSettings.read lets report lookupMember n assignments
            campaigns[n.Name] <- campaign
            // a campaign repeats its experiments campaign.cycles times; an experiment's own cycles do not apply there
            for e in campaign.Experiments |> List.distinct do
                match experiments.TryGetValue e with
                | true, ex ->
                    match ex.Values.TryGetValue "cycles" with
                    | true, rv ->
                        match rv.Value with
                        | :? ConfigValue.Integer as c when c.Value <> int64 campaign.Cycles ->
                            report (SyntaxDiagnostic.warning Codes.CampaignOverridesCycles n.Range
                                (sprintf "'%s' sets cycles = %d, but campaign '%s' runs each experiment %d time(s) (its own cycles). Remedy: set cycles = %d in the campaign, or remove cycles from the experiment" e c.Value n.Name campaign.Cycles c.Value))
                        | _ -> ()
                    | _ -> ()
                | _ -> ()
        | _ -> ()

    // 7. actions of the root file
    let targetKind (name: string) =
        if campaigns.ContainsKey name then Some CampaignTarget
        elif sweeps.ContainsKey name then Some SweepTarget
        elif experiments.ContainsKey name then Some ExperimentTarget
        else None
    let targetError (id: Ident) =
        let candidates = namesOf (function Experiment _ | Sweep _ | Campaign _ -> true | _ -> false)
        match defs.TryGetValue id.Name with
        | true, other -> error Codes.UnknownTarget id.Range (sprintf "'%s' is %s; name an experiment, sweep or campaign" id.Name (kindName other))
        | _ -> error Codes.UnknownTarget id.Range (sprintf "unknown experiment, sweep or campaign '%s'%s" id.Name (didYouMean candidates id.Name))
    // Definitions are registered as they are met: an action may only name what is defined above it.
    let definedAt = Dictionary<string, int>()
    located |> List.iteri (fun i l -> match Statement.definedName l.Statement with Some n when not (definedAt.ContainsKey n.Name) -> definedAt[n.Name] <- i | _ -> ())
    let target (index: int) (id: Ident) (make: TargetKind -> ScriptAction) =
        match targetKind id.Name with
        | Some k when definedAt.ContainsKey id.Name && definedAt[id.Name] > index ->
            let d = Statement.range defs[id.Name]
            error Codes.UsedBeforeDefinition id.Range (sprintf "'%s' is defined further down (%s:%d); statements act top to bottom, so move this below the definition" id.Name d.File d.StartLine)
            None
        | Some k -> Some(make k)
        | None ->
            targetError id
            None
    let actions =
        located
        |> List.mapi (fun i l -> i, l)
        |> List.choose (fun (i, l) ->
            if not l.IsRoot then None
            else
                match l.Statement with
                | Run(id, r) -> target i id (fun k -> RunAction(id.Name, k, r))
                | Analyze(id, clauses, r) ->
                    Analyses.checkClauses registry report clauses
                    target i id (fun k -> AnalyzeAction(id.Name, k, clauses, r))
                | Show(id, r) -> target i id (fun k -> ShowAction(id.Name, k, r))
                | _ -> None)

    let experimentOrder =
        [ for name in order do
              match defs[name] with
              | Experiment _ when experiments.ContainsKey name -> yield name
              | Sweep _ when sweeps.ContainsKey name -> yield! sweeps[name].Members
              | _ -> () ]
    let toMap (d: Dictionary<string, 'v>) = d |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
    { Experiments = toMap experiments
      ExperimentOrder = experimentOrder
      Sweeps = toMap sweeps
      Campaigns = toMap campaigns
      Lets = lets
      Statements = located |> List.filter (fun l -> l.IsRoot) |> List.map (fun l -> l.Statement)
      Actions = actions
      Diagnostics = SyntaxDiagnostic.normalise diagnostics }

let private failedProgram (diagnostics: SyntaxDiagnostic list) =
    { Experiments = Map.empty; ExperimentOrder = []; Sweeps = Map.empty; Campaigns = Map.empty; Lets = Map.empty; Statements = []; Actions = []; Diagnostics = diagnostics }

/// Checks statements already loaded (imports inlined). `preDiagnostics` are the parse/import findings.
/// Never throws: an unexpected failure becomes an LEM0001 diagnostic.
let checkLoaded (options: CheckOptions) (located: Located list) (preDiagnostics: SyntaxDiagnostic list) : CheckedProgram =
    try
        checkLoadedUnguarded options located preDiagnostics
    with ex ->
        let range = match located with l :: _ -> Statement.range l.Statement | [] -> Range.point "<input>" 1 1
        failedProgram (preDiagnostics @ [ SyntaxDiagnostic.error Codes.Internal range (sprintf "internal checker error (please report it): %s" ex.Message) ])

/// Parses and checks a script given as text; `path` locates it (imports are relative to its folder).
let checkText (options: CheckOptions) (path: string) (text: string) : CheckedProgram =
    let fullPath = Path.GetFullPath path
    try
        let located, loadDiagnostics = Imports.load options.Files fullPath text
        checkLoaded options located loadDiagnostics
    with ex ->
        failedProgram [ SyntaxDiagnostic.error Codes.Internal (Range.point (options.Files.Display fullPath) 1 1) (sprintf "internal checker error (please report it): %s" ex.Message) ]

/// Parses and checks a script file.
let checkFile (options: CheckOptions) (path: string) : CheckedProgram =
    let fullPath = Path.GetFullPath path
    match options.Files.Read fullPath with
    | Some text -> checkText options path text
    | None ->
        failedProgram [ SyntaxDiagnostic.error Codes.ImportNotFound (Range.point (options.Files.Display fullPath) 1 1) (sprintf "cannot read %s: the file does not exist or is not readable" path) ]

/// Every registry parameter of an experiment: what the script set, and the registry's defaults (Provenance.Default)
/// for the rest. Parameters without a default that nobody set are left out.
let fullValues (registry: Registry) (e: CheckedExperiment) : IReadOnlyDictionary<string, ResolvedValue> =
    let result = Dictionary<string, ResolvedValue>()
    for d in registry.All do
        match e.Values.TryGetValue d.Name with
        | true, v -> result[d.Name] <- v
        | _ when not (isNull (box d.Default)) -> result[d.Name] <- ResolvedValue(d.Default, Provenance.DefaultValue)
        | _ -> ()
    for kv in e.Values do
        if not (result.ContainsKey kv.Key) then result[kv.Key] <- kv.Value
    result :> IReadOnlyDictionary<_, _>
