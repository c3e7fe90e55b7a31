// Documented in PreflightPass.fsi.
module Lem.Dsl.Checker.Passes.PreflightPass

open System.Collections.Generic
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// The experiments `run` statements start, in order, each once; every experiment when there is no `run` statement.
let private experimentsToCheck (scope: Scope) (validated: ValidatedExperiments) (campaigns: Map<string, CheckedCampaign>) (actions: ScriptAction list) =
    let ofTarget (name: string) (kind: TargetKind) =
        match kind with
        | CampaignTarget -> campaigns[name].Experiments
        | SweepTarget -> validated.Sweeps[name].Members
        | ExperimentTarget -> [ name ]
    let runs = actions |> List.choose (function RunAction(name, kind, _) -> Some(name, kind) | _ -> None)
    let names =
        if runs.IsEmpty then
            scope.Definitions.Order
            |> List.collect (fun name ->
                match validated.Sweeps.TryFind name with
                | Some sweep -> sweep.Members
                | None -> if validated.Experiments.ContainsKey name then [ name ] else [])
        else runs |> List.collect (fun (name, kind) -> ofTarget name kind)
    names |> List.distinct |> List.choose validated.Experiments.TryFind

/// (kind, file as written, the clause) of every file an analysis writes.
let private outputs (actions: ScriptAction list) =
    [ for action in actions do
          match action with
          | AnalyzeAction(target, _, clauses, _) ->
              for clause in clauses do
                  match clause with
                  | Export(file, r) -> yield ExportFile, file, r
                  | Plot(y, x, _, file, r) -> yield PlotFile, (file |> Option.defaultValue (AnalysisFiles.defaultPlot target y.Text x.Text)), r
                  | Table _
                  | Pareto _ -> ()
          | _ -> () ]

let run (service: PreflightService) (scope: Scope) (validated: ValidatedExperiments) (campaigns: Map<string, CheckedCampaign>) (actions: ScriptAction list) : SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    for e in experimentsToCheck scope validated campaigns actions do
        for d in service.Experiment e.Values do
            diagnostics.Add(FindingSite.ofDiagnostic e d)
    let seen = HashSet<OutputKind * string>()
    for (kind, file, range) in outputs actions do
        if seen.Add((kind, file)) then
            match service.Output kind file with
            | Some why -> diagnostics.Add(SyntaxDiagnostic.error Codes.OutputNotWritable range why)
            | None -> ()
    List.ofSeq diagnostics
