// Documented in InheritancePass.fsi.
module Lem.Dsl.Checker.Passes.InheritancePass

open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

let maxInheritanceDepth = 200

let run (scope: Scope) : Map<string, CheckedExperiment> * SyntaxDiagnostic list =
    let defs = scope.Definitions
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let report = diagnostics.Add
    let error code range message = report (SyntaxDiagnostic.error code range message)
    let resolved = Dictionary<string, CheckedExperiment>()
    // each resolved experiment's number of ancestors: a chain longer than maxInheritanceDepth is refused, so that
    // resolving it (recursively, up the chain) never runs out of stack
    let depths = Dictionary<string, int>()
    let tooDeep (p: Ident) =
        error Codes.TooDeep p.Range
            (sprintf "inheritance chain longer than %d experiments (an experiment extending one extending ...). Remedy: extend a common base instead of the previous experiment" maxInheritanceDepth)
    let rec resolve (name: string) (stack: string list) (depth: int) : CheckedExperiment option =
        match resolved.TryGetValue name with
        | true, e -> Some e
        | _ ->
            match defs.ByName.TryFind name with
            | Some(Experiment(n, parent, assignments, _)) ->
                let parentExperiment =
                    match parent with
                    | None -> None
                    | Some p when List.contains p.Name (name :: stack) ->
                        let chain = List.rev (name :: stack) |> List.skipWhile (fun x -> x <> p.Name)
                        let text = (chain @ [ p.Name ]) |> String.concat " extends "
                        error Codes.InheritanceCycle p.Range (sprintf "inheritance cycle: %s" text)
                        None
                    | Some p when depth >= maxInheritanceDepth || (depths.ContainsKey p.Name && depths[p.Name] >= maxInheritanceDepth) ->
                        tooDeep p
                        None
                    | Some p ->
                        match defs.ByName.TryFind p.Name with
                        | Some(Experiment _) -> resolve p.Name (name :: stack) (depth + 1)
                        | Some other ->
                            error Codes.UnknownParent p.Range
                                (sprintf "'%s' is %s; an experiment can only extend an experiment" p.Name (DefinitionTable.kindName other))
                            None
                        | None ->
                            let candidates = DefinitionTable.namesWhere DefinitionTable.isExperiment defs
                            error Codes.UnknownParent p.Range (sprintf "unknown parent experiment '%s'%s" p.Name (DidYouMean.hint candidates p.Name))
                            None
                let seen = HashSet<string>()
                let steps =
                    assignments
                    |> List.map (fun a ->
                        let path = a.Path.Text
                        if not (seen.Add path) then
                            report (SyntaxDiagnostic.warning Codes.DuplicateAssignment a.Path.Range (sprintf "%s is assigned twice in '%s'; the last assignment wins" path n.Name))
                        ({ Path = path
                           Value =
                               Lowering.lowerFor scope.Registry scope.Lets report path a.Value
                               |> PathAnchors.anchor defs.RootFolder (defs.Folders.TryFind n.Name |> Option.defaultValue "") path
                           Provenance = ValueSteps.provenanceOf a
                           Range = a.Path.Range
                           SourceText = ValueSteps.sourceText a.Value }: ValueSteps.Step))
                let baseValues, baseHistory =
                    match parentExperiment with
                    | Some p -> p.Values, p.History
                    | None -> Dictionary<string, ResolvedValue>() :> IReadOnlyDictionary<_, _>, Map.empty
                let values, history = ValueSteps.apply n.Name baseValues baseHistory steps
                let e =
                    { Name = n.Name
                      Range = n.Range
                      Source = Declared(parent |> Option.map (fun p -> p.Name))
                      Values = values
                      History = history }
                resolved[name] <- e
                depths[name] <- (match parentExperiment with Some p -> depths[p.Name] + 1 | None -> 0)
                Some e
            | _ -> None
    // Where resolution starts decides which link of an inheritance cycle is reported: sweep parents first, then the
    // experiments in definition order.
    let sweepParents =
        defs.Order |> List.choose (fun name -> match defs.ByName[name] with Sweep(_, parent, _, _, _) -> Some parent.Name | _ -> None)
    for name in sweepParents @ DefinitionTable.namesWhere DefinitionTable.isExperiment defs do
        match defs.ByName.TryFind name with
        | Some(Experiment _) -> resolve name [] 0 |> ignore
        | _ -> ()
    resolved |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq, List.ofSeq diagnostics
