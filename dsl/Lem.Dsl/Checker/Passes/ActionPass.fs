// Documented in ActionPass.fsi.
module Lem.Dsl.Checker.Passes.ActionPass

open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports

let run (scope: Scope) (validated: ValidatedExperiments) (campaigns: Map<string, CheckedCampaign>) (located: Located list) : ScriptAction list * SyntaxDiagnostic list =
    let defs = scope.Definitions
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let report = diagnostics.Add
    let error code range message = report (SyntaxDiagnostic.error code range message)
    let targetKind (name: string) =
        if campaigns.ContainsKey name then Some CampaignTarget
        elif validated.Sweeps.ContainsKey name then Some SweepTarget
        elif validated.Experiments.ContainsKey name then Some ExperimentTarget
        else None
    let targetError (id: Ident) =
        match defs.ByName.TryFind id.Name with
        | Some other ->
            error Codes.UnknownTarget id.Range (sprintf "'%s' is %s; name an experiment, sweep or campaign" id.Name (DefinitionTable.kindName other))
        | None ->
            let candidates = defs |> DefinitionTable.namesWhere (function Experiment _ | Sweep _ | Campaign _ -> true | _ -> false)
            error Codes.UnknownTarget id.Range (sprintf "unknown experiment, sweep or campaign '%s'%s" id.Name (DidYouMean.hint candidates id.Name))
    // An action may only name what is defined above it: statements act top to bottom.
    let target (index: int) (id: Ident) (make: TargetKind -> ScriptAction) =
        match targetKind id.Name with
        | Some _ when defs.Position.ContainsKey id.Name && defs.Position[id.Name] > index ->
            let d = Statement.range defs.ByName[id.Name]
            error Codes.UsedBeforeDefinition id.Range
                (sprintf "'%s' is defined further down (%s:%d); statements act top to bottom, so move this below the definition" id.Name d.File d.StartLine)
            None
        | Some k -> Some(make k)
        | None ->
            targetError id
            None
    // how many runs `run NAME` starts: refused above the limit, a warning above RunLimits.warnAbove, an error at none
    let checkRunCount (id: Ident) (kind: TargetKind) =
        let experiments, runs = RunCount.ofTarget scope.Registry validated.Experiments validated.Sweeps campaigns id.Name kind
        let what = RunCount.describe campaigns id.Name experiments
        match kind with
        | SweepTarget when experiments = 0 && not validated.Sweeps[id.Name].Dropped.IsEmpty ->
            error Codes.NothingToRun id.Range
                (sprintf "run %s does nothing: every member of sweep '%s' was dropped (see the LEM0232 notes). Remedy: sweep values its backend takes" id.Name id.Name)
        | CampaignTarget -> () // the campaign's definition says when it has too many runs or none
        | _ when runs > bigint scope.MaxRuns -> error Codes.TooManyRuns id.Range (RunLimits.tooMany what "runs" runs scope.MaxRuns)
        | _ -> ()
        if runs > bigint RunLimits.warnAbove && runs <= bigint scope.MaxRuns then
            report (SyntaxDiagnostic.warning Codes.ManyRuns id.Range
                (sprintf "%s starts %s runs; check that the sweep is the one you mean (lem plan lists them)" what (RunLimits.text runs)))
    let actions =
        located
        |> List.mapi (fun i l -> i, l)
        |> List.choose (fun (i, l) ->
            if not l.IsRoot then None
            else
                match l.Statement with
                | Run(id, r) ->
                    target i id (fun k ->
                        checkRunCount id k
                        RunAction(id.Name, k, r))
                | Analyze(id, clauses, r) ->
                    Analyses.checkClauses scope.Registry report clauses
                    target i id (fun k -> AnalyzeAction(id.Name, k, clauses, r))
                | Show(id, r) -> target i id (fun k -> ShowAction(id.Name, k, r))
                | _ -> None)
    actions, List.ofSeq diagnostics
