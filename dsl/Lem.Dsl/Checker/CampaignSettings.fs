/// Reads a campaign's settings: experiments, cycles, order, seed, gap, cycle_gap, schedule, cold_start, and
/// `slurm { ... }` (SlurmCampaignSettings).
module internal Lem.Dsl.Checker.CampaignSettings

open System
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// What a name in a campaign's `experiments` list stands for.
type Member =
    /// The experiments it stands for (a sweep: its members).
    | Members of string list
    /// A defined name that cannot be listed (a let, a campaign): what it is.
    | NotListable of what: string
    /// Not defined; the "did you mean" hint (possibly empty).
    | Unknown of hint: string

let keys = [ "experiments"; "cycles"; "order"; "seed"; "gap"; "cycle_gap"; "schedule"; "cold_start" ]

let read (lets: Lowering.LetEnv) (report: SyntaxDiagnostic -> unit) (lookup: string -> Member) (name: Ident) (assignments: Assignment list) : CheckedCampaign =
    let error code range message = report (SyntaxDiagnostic.error code range message)
    let mutable c =
        { Name = name.Name; Experiments = []; Cycles = 1; Order = Interleaved; Seed = 0; Gap = TimeSpan.Zero; CycleGap = TimeSpan.Zero; Schedule = None
          ColdStart = false; Slurm = SlurmSettings.none; Range = name.Range }
    let mutable sawExperiments = false
    for a in assignments do
        let key = a.Path.Text
        let bad expected = error Codes.CampaignValue a.Value.Range (sprintf "campaign %s expects %s" key expected)
        let lowered () = Lowering.lower lets (key <> "order") report a.Value
        match key with
        | "experiments" ->
            sawExperiments <- true
            match a.Value.Kind with
            | List items ->
                let listed = System.Collections.Generic.Dictionary<string, Range>()
                let mutable itemErrors = false
                let names =
                    items
                    |> List.collect (fun item ->
                        match item.Kind with
                        | Word w when listed.ContainsKey w ->
                            let first = listed[w]
                            error Codes.CampaignValue item.Range
                                (sprintf "campaign '%s' lists '%s' twice (first at %s:%d:%d): its runs would have one name, and the second would be skipped as done before. Remedy: list it once (cycles repeats runs)"
                                    name.Name w first.File first.StartLine first.StartCol)
                            itemErrors <- true
                            []
                        | Word w ->
                            listed[w] <- item.Range
                            match lookup w with
                            | Members names -> names
                            | NotListable what ->
                                error Codes.CampaignValue item.Range (sprintf "'%s' is %s; a campaign lists experiments and sweeps" w what)
                                itemErrors <- true
                                []
                            | Unknown hint ->
                                error Codes.UnknownName item.Range (sprintf "unknown experiment or sweep '%s'%s" w hint)
                                itemErrors <- true
                                []
                        | _ ->
                            error Codes.CampaignValue item.Range "campaign experiments are names of experiments or sweeps"
                            itemErrors <- true
                            [])
                if items.IsEmpty then
                    error Codes.NothingToRun a.Value.Range
                        (sprintf "campaign '%s' lists no experiments, so running it would do nothing. Remedy: name the experiments and sweeps it runs: experiments = [a, b]" name.Name)
                elif names.IsEmpty && not itemErrors then
                    error Codes.NothingToRun a.Value.Range
                        (sprintf "campaign '%s' stands for no experiment: every member of the sweeps it lists was dropped (see the LEM0232 notes), so running it would do nothing. Remedy: list experiments that run on their backend" name.Name)
                c <- { c with Experiments = names }
            | _ -> bad "a list of experiment or sweep names: [a, b]"
        | "cycles" ->
            match lowered () with
            | :? ConfigValue.Integer as i when i.Value >= 1L && i.Value <= 1000L -> c <- { c with Cycles = int i.Value }
            | _ -> bad "an integer from 1 to 1000"
        | "order" ->
            match lowered () with
            | :? ConfigValue.Word as w when w.Value = "interleaved" -> c <- { c with Order = Interleaved }
            | :? ConfigValue.Word as w when w.Value = "shuffled" -> c <- { c with Order = Shuffled }
            | :? ConfigValue.Word as w when w.Value = "grouped" -> c <- { c with Order = Grouped }
            | _ -> bad "interleaved, shuffled or grouped"
        | "seed" ->
            match lowered () with
            | :? ConfigValue.Integer as i when i.Value >= 0L && i.Value <= int64 Int32.MaxValue -> c <- { c with Seed = int i.Value }
            | _ -> bad "a non-negative integer"
        | "gap" | "cycle_gap" ->
            match lowered () with
            | :? ConfigValue.Duration as d -> c <- (if key = "gap" then { c with Gap = d.Value } else { c with CycleGap = d.Value })
            | _ -> bad "a duration such as 30s"
        | "schedule" ->
            match lowered () with
            | :? ConfigValue.Text as t ->
                match Lem.Engine.Running.Schedules.CronSchedule.TryParse t.Value with
                | null, why ->
                    error Codes.CampaignSchedule a.Value.Range
                        (sprintf "schedule \"%s\" is not a cron expression: %s. %s" t.Value why Lem.Engine.Running.Schedules.CronSchedule.Remedy)
                | _ -> c <- { c with Schedule = Some t.Value }
            | _ -> bad "a cron expression in quotes, such as \"0 2 * * *\" (every day at 02:00)"
        | slurm when slurm.StartsWith "slurm." -> c <- { c with Slurm = SlurmCampaignSettings.read lets report c.Slurm a }
        | "cold_start" ->
            match lowered () with
            | :? ConfigValue.Boolean as b -> c <- { c with ColdStart = b.Value }
            | _ -> bad "true or false"
        | _ ->
            let hint = DidYouMean.hint (keys @ SlurmCampaignSettings.keys) key
            error Codes.CampaignKey a.Path.Range (sprintf "campaigns have no setting '%s'%s (settings: %s, slurm { ... })" key hint (String.concat ", " keys))
    if not sawExperiments then error Codes.CampaignValue name.Range (sprintf "campaign '%s' needs experiments = [...]" name.Name)
    c
