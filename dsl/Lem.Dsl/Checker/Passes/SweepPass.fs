// Documented in SweepPass.fsi.
module Lem.Dsl.Checker.Passes.SweepPass

open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

type private Axis = string * Assignment * (ConfigValue * Value) list

/// How many members the axes make, counted without making them: a grid's product may be astronomically large.
let private memberCount (zip: bool) (axes: Axis list) : bigint =
    match axes with
    | [] -> 0I
    | _ when zip -> axes |> List.map (fun (_, _, items) -> bigint items.Length) |> List.max
    | _ -> axes |> List.fold (fun product (_, _, items) -> product * bigint items.Length) 1I

/// Member combinations: each a list of (path, assignment, (value, its syntax)), one per axis. The grid is built from
/// the last axis back (no recursion per axis, however many there are).
let private combinations (report: SyntaxDiagnostic -> unit) (name: Ident) (zip: bool) (axes: Axis list) =
    let lengths = axes |> List.map (fun (_, _, items) -> items.Length) |> List.distinct
    if zip && lengths.Length > 1 then
        let detail = axes |> List.map (fun (p, _, items) -> sprintf "%s has %d" p items.Length) |> String.concat ", "
        report (SyntaxDiagnostic.error Codes.ZipLengthMismatch name.Range (sprintf "zip sweep '%s' needs lists of one length: %s" name.Name detail))
        []
    elif zip then
        let count = match lengths with [ l ] -> l | _ -> 0
        [ for i in 0 .. count - 1 -> axes |> List.map (fun (p, a, items) -> p, a, items[i]) ]
    elif axes.IsEmpty then []
    else List.foldBack (fun (p, a, items) rest -> [ for it in items do for r in rest -> (p, a, it) :: r ]) axes [ [] ]

/// How a member names a value: `%O` of the value, as in `SWEEP[path=value,...]`.
let private valueText (v: ConfigValue) = sprintf "%O" v

let private at (r: Range) = sprintf "%s:%d:%d" r.File r.StartLine r.StartCol

/// A grid axis that lists one value twice makes two members of one name (the second would be skipped as done before).
let private repeatedValues (report: SyntaxDiagnostic -> unit) (sweep: Ident) ((path, _, items): Axis) =
    items
    |> List.groupBy (fst >> valueText)
    |> List.iter (fun (text, group) ->
        match group with
        | (_, first) :: repeats ->
            for (_, repeat) in repeats do
                report (SyntaxDiagnostic.error Codes.DuplicateSweepValue repeat.Range
                    (sprintf "sweep '%s' lists %s = %s twice (first at %s): both members would be named %s[%s=%s], and the second would be skipped as done before. Remedy: list each value once (cycles repeats runs)"
                        sweep.Name path text (at first.Range) sweep.Name path text))
        | [] -> ())

/// In a zip sweep, two positions with the same values make two members of one name.
let private repeatedTuples (report: SyntaxDiagnostic -> unit) (sweep: Ident) (combos: (string * Assignment * (ConfigValue * Value)) list list) =
    let label combo = combo |> List.map (fun (p, _, (v, _)) -> sprintf "%s=%s" p (valueText v)) |> String.concat ","
    let seen = System.Collections.Generic.Dictionary<string, int>()
    combos
    |> List.iteri (fun i combo ->
        let l = label combo
        match seen.TryGetValue l with
        | true, first ->
            let (_, _, (_, syntax)) = List.head combo
            report (SyntaxDiagnostic.error Codes.DuplicateSweepValue syntax.Range
                (sprintf "zip sweep '%s' pairs %s at positions %d and %d: both members would be named %s[%s], and the second would be skipped as done before. Remedy: make every position differ (cycles repeats runs)"
                    sweep.Name l (first + 1) (i + 1) sweep.Name l))
        | _ -> seen[l] <- i)

let run (scope: Scope) (declared: Map<string, CheckedExperiment>) : SweepExpansion * SyntaxDiagnostic list =
    let defs = scope.Definitions
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let report = diagnostics.Add
    let error code range message = report (SyntaxDiagnostic.error code range message)
    let lowerFor = Lowering.lowerFor scope.Registry scope.Lets report
    let expand (n: Ident) (parent: Ident) (zip: bool) (assignments: Assignment list) =
        let parentExperiment =
            match defs.ByName.TryFind parent.Name with
            | Some(Experiment _) -> declared.TryFind parent.Name
            | Some other ->
                error Codes.UnknownParent parent.Range (sprintf "'%s' is %s; a sweep varies an experiment" parent.Name (DefinitionTable.kindName other))
                None
            | None ->
                let candidates = DefinitionTable.namesWhere DefinitionTable.isExperiment defs
                error Codes.UnknownParent parent.Range (sprintf "unknown experiment '%s'%s" parent.Name (DidYouMean.hint candidates parent.Name))
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
        // an axis given twice would name members after both values while the second sets the parameter
        let firstAxis = System.Collections.Generic.Dictionary<string, Assignment>()
        let axes =
            axes
            |> List.filter (fun (path, a, _) ->
                match firstAxis.TryGetValue path with
                | true, first ->
                    error Codes.DuplicateSweepValue a.Path.Range
                        (sprintf "sweep '%s' varies %s twice (first at %s). Remedy: list all its values in one axis: %s = [...]" n.Name path (at first.Path.Range) path)
                    false
                | _ ->
                    firstAxis[path] <- a
                    true)
        for (path, a, items) in axes do
            if items.IsEmpty then error Codes.EmptySweep a.Value.Range (sprintf "sweep '%s': %s has no values, so the sweep has no members" n.Name path)
            if scope.Overrides |> List.exists (fun o -> o.Path = path) then
                // overrides apply after expansion: every member would run with the --set value under its own axis name
                report (SyntaxDiagnostic.warning Codes.OverrideOnSweepAxis a.Path.Range
                    (sprintf "--set %s overrides the axis %s of sweep '%s': its members all run with the --set value although their names say otherwise. Remedy: drop the --set, or sweep another parameter" path path n.Name))
            if not zip then repeatedValues report n (path, a, items)
        let count = memberCount zip axes
        let combos =
            if count > bigint scope.MaxRuns then
                error Codes.TooManyRuns n.Range (RunLimits.tooMany (sprintf "sweep '%s'" n.Name) "members" count scope.MaxRuns)
                []
            else combinations report n zip axes
        if zip then repeatedTuples report n combos
        match parentExperiment with
        | Some parentE ->
            combos
            |> List.mapi (fun i combo ->
                let label = combo |> List.map (fun (p, _, (v: ConfigValue, _)) -> sprintf "%s=%O" p v) |> String.concat ","
                let steps =
                    combo
                    |> List.map (fun (p, (a: Assignment), (v, (syntax: Value))) ->
                        ({ Path = p
                           Value = PathAnchors.anchor defs.RootFolder (defs.Folders.TryFind n.Name |> Option.defaultValue "") p v
                           Provenance = Provenance.Sweep(n.Name, a.Path.Range.File, a.Path.Range.StartLine)
                           Range = syntax.Range
                           SourceText = match syntax.Kind with List _ -> None | _ -> ValueSteps.sourceText syntax }: ValueSteps.Step))
                let values, history = ValueSteps.apply n.Name parentE.Values parentE.History steps
                { Name = sprintf "%s[%s]" n.Name label
                  Range = n.Range
                  Source = SweepMember(n.Name, i)
                  Values = values
                  History = history })
        | None -> []
    let expanded =
        defs.Order
        |> List.choose (fun name ->
            match defs.ByName[name] with
            | Sweep(n, parent, zip, assignments, _) ->
                let sweep = { Name = n.Name; Parent = parent.Name; Zip = zip; Members = []; Dropped = []; Range = n.Range }
                Some(sweep, expand n parent zip assignments)
            | _ -> None)
    { Sweeps = expanded |> List.map (fun (s, _) -> s.Name, s) |> Map.ofList
      Candidates = expanded |> List.map (fun (s, members) -> s.Name, members) |> Map.ofList },
    List.ofSeq diagnostics
