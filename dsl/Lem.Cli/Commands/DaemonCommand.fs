/// `lem daemon [--once] [--now] [--max-late 1h] [--results DIR] FILE`: the script's scheduled campaigns (a campaign with
/// `schedule = "CRON"` that a `run` statement names), one cycle at each occurrence of its schedule, with lem run's
/// manifest and resume rules (a `cold_start = true` campaign's runs each in a fresh lem process, as lem run starts them);
/// state in RESULTS/schedules/ so that a restarted daemon goes on where it stopped.
module Lem.Cli.Commands.DaemonCommand

open System
open System.IO
open System.Collections.Generic
open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Dsl
open Lem.Dsl.Checker
open Lem.Engine.Config
open Lem.Engine.Running
open Lem.Engine.Running.Schedules

/// One scheduled campaign for the daemon: its runs by cycle, each cycle run through the campaign runner with the
/// manifest (each run under its claim, so lem run or --only tasks in the same folder never run it a second time).
let private scheduled (options: ScriptHost.HostOptions) (runner: ExperimentRunner) (request: Lem.Dsl.Runtime.RunRequest) =
    let runs = ScriptHost.plannedRuns options request
    let manifestFolder = ScriptHost.manifestFolder options request runs
    let statePath =
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName manifestFolder), "schedules", Path.GetFileName manifestFolder + ".json")
    let ofCycle cycle = runs |> List.filter (fun r -> r.Cycle = cycle) |> Array.ofList
    // the run folders are read afresh each time: lem run may have completed runs meanwhile
    let complete cycle =
        let manifest = RunManifest.Open manifestFolder
        ofCycle cycle |> Array.forall (fun r -> CampaignRunner.IsComplete(r, manifest))
    let runCycle cycle =
        let cycleRuns = ofCycle cycle
        ScriptHost.prepareShared (List.ofArray cycleRuns)
        let campaignOptions = CampaignOptions(request.Gap, TimeSpan.Zero)
        let manifest = RunManifest.Open manifestFolder
        let failed =
            if request.ColdStart then
                // cold_start = true: each run of the cycle in a fresh lem process, as lem run starts them
                ResizeArray (ColdStart.run (List.ofArray cycleRuns) campaignOptions manifest (ScriptHost.coldStartFlags options) ignore).Failed :> IReadOnlyList<_>
            else (ScriptHost.campaignRunner runner).Run(cycleRuns, campaignOptions, manifest).Failed
        ScriptHost.printFailures failed
        // the cycle's other runs have run; the cycle counts as failed (recorded), and its failed runs run again next time
        if failed.Count > 0 then raise (RunnerException(ScriptHost.failedMessage failed cycleRuns.Length))
    ScheduledCampaign(request.Target, CronSchedule.Parse request.Schedule.Value, runs |> List.map (fun r -> r.Cycle) |> List.max, statePath,
        Func<_, _>(complete), Action<_>(runCycle))

let run (args: ParseResults<DaemonArgs>) =
    let path = args.GetResult DaemonArgs.Script
    let settings = { Api.defaultSettings with Preflight = Some(PreflightHost.create path true (args.TryGetResult DaemonArgs.Results)) }
    let program, hasErrors = ScriptCommands.check settings path
    if hasErrors then 1
    else
        let maxLate =
            match args.TryGetResult DaemonArgs.Max_Late with
            | None -> TimeSpan.FromHours 1.0
            | Some text ->
                match DurationText.TryParse text with
                | true, d -> d
                | _ -> fail (sprintf "--max-late %s is not a duration. Remedy: write it as 30m, 1h or 90s." text)
        let requests =
            program.Actions
            |> List.choose (function
                | RunAction(name, CampaignTarget, _) -> Api.runRequest ScriptCommands.registry program name
                | _ -> None)
            |> List.filter (fun r -> r.Schedule.IsSome)
            |> List.distinctBy (fun r -> r.Target)
        if requests.IsEmpty then
            fail (sprintf "%s has no scheduled campaign to run. Remedy: give a campaign schedule = \"0 2 * * *\" and name it in a run statement (run NAME)." path)
        let options = { ScriptHost.defaultOptions path with ResultsOverride = args.TryGetResult DaemonArgs.Results }
        use runner = new ExperimentRunner(Composition.services Console.Error Interruption.token)
        let campaigns = requests |> List.map (scheduled options runner) |> Array.ofList
        let daemon = ScheduleDaemon(WallClock.System, TimeZoneInfo.Local, maxLate, Console.Error)
        let mode = if args.Contains DaemonArgs.Once then DaemonMode.Once else DaemonMode.UntilComplete
        if daemon.Run(campaigns, mode, args.Contains DaemonArgs.Now) then 0 else 1
