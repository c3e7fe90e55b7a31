// Documented in SweepPass.fsi.
module Lem.Dsl.Checker.Passes.SweepPass

open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// Member combinations: each a list of (path, assignment, (value, its syntax)), one per axis.
let private combinations (report: SyntaxDiagnostic -> unit) (name: Ident) (zip: bool) (axes: (string * Assignment * (ConfigValue * Value) list) list) =
    let lengths = axes |> List.map (fun (_, _, items) -> items.Length) |> List.distinct
    if zip && lengths.Length > 1 then
        let detail = axes |> List.map (fun (p, _, items) -> sprintf "%s has %d" p items.Length) |> String.concat ", "
        report (SyntaxDiagnostic.error Codes.ZipLengthMismatch name.Range (sprintf "zip sweep '%s' needs lists of one length: %s" name.Name detail))
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
        for (path, a, items) in axes do
            if items.IsEmpty then error Codes.EmptySweep a.Value.Range (sprintf "sweep '%s': %s has no values, so the sweep has no members" n.Name path)
            if scope.Overrides |> List.exists (fun o -> o.Path = path) then
                // overrides apply after expansion: every member would run with the --set value under its own axis name
                report (SyntaxDiagnostic.warning Codes.OverrideOnSweepAxis a.Path.Range
                    (sprintf "--set %s overrides the axis %s of sweep '%s': its members all run with the --set value although their names say otherwise. Remedy: drop the --set, or sweep another parameter" path path n.Name))
        let combos = combinations report n zip axes
        match parentExperiment with
        | Some parentE ->
            combos
            |> List.mapi (fun i combo ->
                let label = combo |> List.map (fun (p, _, (v: ConfigValue, _)) -> sprintf "%s=%O" p v) |> String.concat ","
                let steps =
                    combo
                    |> List.map (fun (p, (a: Assignment), (v, (syntax: Value))) ->
                        ({ Path = p
                           Value = v
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
