// The public surface and its documentation: Interpreter.fsi.
module Lem.Dsl.Runtime.Interpreter

open System
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter
open Lem.Dsl.Plan

let experimentsOf (program: CheckedProgram) (name: string) : string list =
    match program.Campaigns.TryFind name, program.Sweeps.TryFind name with
    | Some c, _ -> List.distinct c.Experiments
    | _, Some s -> s.Members
    | _ -> if program.Experiments.ContainsKey name then [ name ] else []

let runRequest (registry: Registry) (program: CheckedProgram) (name: string) (kind: TargetKind) (range: Range) : RunRequest =
    let resolvedRun (experiment: string) (cycle: int) =
        { Experiment = experiment
          Cycle = cycle
          Parameters = Checker.fullValues registry program.Experiments[experiment] }
    match program.Campaigns.TryFind name with
    | Some c ->
        { Target = name
          Kind = kind
          Runs = Campaigns.expand c |> List.map (fun r -> resolvedRun r.Experiment r.Cycle)
          Gap = c.Gap
          CycleGap = c.CycleGap
          Schedule = c.Schedule
          Slurm = c.Slurm
          ColdStart = c.ColdStart
          Range = range }
    | None ->
        { Target = name
          Kind = kind
          Runs =
            [ for e in experimentsOf program name do
                  for cycle in 1 .. int (Passes.RunCount.cycles registry program.Experiments[e]) -> resolvedRun e cycle ]
          Gap = TimeSpan.Zero
          CycleGap = TimeSpan.Zero
          Schedule = None
          Slurm = SlurmSettings.none
          ColdStart = false
          Range = range }

let runActions (registry: Registry) (host: RunHost) (program: CheckedProgram) (actions: ScriptAction list) : SyntaxDiagnostic list =
    let fail (range: Range) (message: string) = [ SyntaxDiagnostic.error Codes.RunFailed range message ]
    let rec loop (actions: ScriptAction list) =
        match actions with
        | [] -> []
        | action :: rest ->
            let outcome, range =
                try
                    match action with
                    | RunAction(name, kind, range) -> host.RunExperiments(runRequest registry program name kind range), range
                    | AnalyzeAction(name, kind, clauses, range) ->
                        host.Analyze { Target = name; Kind = kind; Experiments = experimentsOf program name; Clauses = clauses; Range = range }, range
                    | ShowAction(name, _, range) ->
                        let text = PlanOutput.showText registry program name |> Option.defaultValue (sprintf "%s: nothing to show\n" name)
                        host.Show { Name = name; Text = text; Range = range }
                        Ok(), range
                with ex ->
                    Error ex.Message,
                    (match action with
                     | RunAction(_, _, r)
                     | AnalyzeAction(_, _, _, r)
                     | ShowAction(_, _, r) -> r)
            match outcome with
            | Ok() -> loop rest
            | Error message -> fail range message
    loop actions

let run (registry: Registry) (host: RunHost) (program: CheckedProgram) : SyntaxDiagnostic list =
    if program.HasErrors then program.Diagnostics |> List.filter SyntaxDiagnostic.isError
    else runActions registry host program program.Actions
