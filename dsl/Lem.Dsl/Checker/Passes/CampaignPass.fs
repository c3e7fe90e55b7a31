// Documented in CampaignPass.fsi.
module Lem.Dsl.Checker.Passes.CampaignPass

open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// A campaign repeats its experiments campaign.cycles times; an experiment's own cycles do not apply there.
let private ownCyclesWarnings (report: SyntaxDiagnostic -> unit) (experiments: Map<string, CheckedExperiment>) (n: Ident) (campaign: CheckedCampaign) =
    for e in campaign.Experiments |> List.distinct do
        match experiments.TryFind e |> Option.bind (fun ex -> match ex.Values.TryGetValue "cycles" with | true, rv -> Some rv.Value | _ -> None) with
        | Some(:? ConfigValue.Integer as c) when c.Value <> int64 campaign.Cycles ->
            report (SyntaxDiagnostic.warning Codes.CampaignOverridesCycles n.Range
                (sprintf "'%s' sets cycles = %d, but campaign '%s' runs each experiment %d time(s) (its own cycles). Remedy: set cycles = %d in the campaign, or remove cycles from the experiment" e c.Value n.Name campaign.Cycles c.Value))
        | _ -> ()

let run (scope: Scope) (validated: ValidatedExperiments) : Map<string, CheckedCampaign> * SyntaxDiagnostic list =
    let defs = scope.Definitions
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    let report = diagnostics.Add
    let lookupMember (w: string) =
        if validated.Experiments.ContainsKey w && not (w.Contains '[') then CampaignSettings.Members [ w ]
        elif validated.Sweeps.ContainsKey w then CampaignSettings.Members validated.Sweeps[w].Members
        else
            match defs.ByName.TryFind w with
            | Some other -> CampaignSettings.NotListable(DefinitionTable.kindName other)
            | None ->
                let candidates = defs |> DefinitionTable.namesWhere (function Experiment _ | Sweep _ -> true | _ -> false)
                CampaignSettings.Unknown(DidYouMean.hint candidates w)
    let campaigns =
        defs.Order
        |> List.choose (fun name ->
            match defs.ByName[name] with
            | Campaign(n, assignments, _) ->
                let campaign = CampaignSettings.read scope.Lets report lookupMember n assignments
                let runs = bigint campaign.Experiments.Length * bigint campaign.Cycles
                if runs > bigint scope.MaxRuns then
                    report (SyntaxDiagnostic.error Codes.TooManyRuns n.Range
                        (RunLimits.tooMany (sprintf "campaign '%s' (%d experiments x %d cycles)" n.Name campaign.Experiments.Length campaign.Cycles) "runs" runs scope.MaxRuns))
                ownCyclesWarnings report validated.Experiments n campaign
                Some(n.Name, campaign)
            | _ -> None)
    Map.ofList campaigns, List.ofSeq diagnostics
