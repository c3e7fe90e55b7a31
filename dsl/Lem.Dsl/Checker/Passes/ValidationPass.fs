// Documented in ValidationPass.fsi.
module Lem.Dsl.Checker.Passes.ValidationPass

open System
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter

let private backendOf (registry: Registry) (e: CheckedExperiment) =
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

/// (parameter, the backends it applies to, the experiment's backend) for every value its backend does not take.
let private notApplicable (registry: Registry) (e: CheckedExperiment) =
    let backend = backendOf registry e
    [ for kv in e.Values do
          match registry.TryGet kv.Key with
          | Some d when not (d.AppliesTo backend) -> kv.Key, String.Join(", ", d.BackendsOrAll), backend
          | _ -> () ]

let run (scope: Scope) (declared: Map<string, CheckedExperiment>) (expansion: SweepExpansion) : ValidatedExperiments * SyntaxDiagnostic list =
    let registry = scope.Registry
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let report = diagnostics.Add
    let overrides: ValueSteps.Step list =
        scope.Overrides
        |> List.map (fun o ->
            { Path = o.Path
              Value = Lowering.lowerFor registry scope.Lets report o.Path o.Value
              Provenance = Provenance.CommandLine("--set")
              Range = o.Value.Range
              SourceText = ValueSteps.sourceText o.Value })
    let withOverrides (e: CheckedExperiment) =
        if overrides.IsEmpty then e
        else
            let values, history = ValueSteps.apply "command line" e.Values e.History overrides
            { e with Values = values; History = history }
    let validate (e: CheckedExperiment) =
        let skipped = notApplicable registry e |> List.map (fun (p, _, _) -> p) |> set
        for d in registry.Validate e.Values do
            if not (skipped.Contains d.Parameter) then
                report (FindingSite.ofDiagnostic e d)
    // in definition order, so that findings at one place keep the order of the experiments
    let mutable experiments = Map.empty
    for name in scope.Definitions.Order do
        match declared.TryFind name with
        | Some e ->
            let e = withOverrides e
            validate e
            for (p, backends, backend) in notApplicable registry e do
                report (SyntaxDiagnostic.error NotApplicable (FindingSite.range e p null) (sprintf "%s does not apply to backend %s (it applies to %s)" p backend backends))
            experiments <- experiments.Add(name, e)
        | None -> ()
    let mutable sweeps = expansion.Sweeps
    for name, candidates in scope.Definitions.Order |> List.choose (fun n -> expansion.Candidates.TryFind n |> Option.map (fun c -> n, c)) do
        let sweepRange = Statement.range scope.Definitions.ByName[name]
        let kept = ResizeArray<string>()
        let dropped = ResizeArray<string>()
        for m in candidates do
            let m = withOverrides m
            match notApplicable registry m with
            | [] ->
                validate m
                experiments <- experiments.Add(m.Name, m)
                kept.Add m.Name
            | (p, _, backend) :: _ ->
                report (SyntaxDiagnostic.info Codes.SweepMemberDropped sweepRange (sprintf "sweep member %s dropped: %s does not apply to backend %s" m.Name p backend))
                dropped.Add m.Name
        sweeps <- sweeps.Add(name, { sweeps[name] with Members = List.ofSeq kept; Dropped = List.ofSeq dropped })
    { Experiments = experiments; Sweeps = sweeps }, List.ofSeq diagnostics
