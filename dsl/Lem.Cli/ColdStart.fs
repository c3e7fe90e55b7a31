/// `cold_start = true`: each planned run of a campaign in a fresh lem process, `lem run SCRIPT --only KEY --cold-start`
/// (OneRunCommand), started in order, one at a time, with the campaign's gaps between them; its model (or launched
/// server) is loaded for it alone and its load is metered (the record's model.load_s and model.load_energy_j). The
/// child takes the run's claim and writes its folder and manifest entry as any `--only` task does; this process keeps
/// the results folder's lock, skips complete runs, and collects the children's exit statuses: a child that fails is a
/// failed run (its manifest entry says why), one stopped by a signal stops the campaign as Ctrl-C does.
module Lem.Cli.ColdStart

open System
open System.Threading
open Lem.Engine.Running
open Lem.Engine.Running.Commands

/// What the children did: runs done (now or before), and the failed ones.
type Outcome = { Done: int; Failed: FailedRun list }

/// A failed child's run, as its manifest entry tells it (the child recorded it), else by its exit status alone.
let private failureOf (manifest: RunManifest) (run: PlannedRun) (exitCode: int) =
    match manifest.Find run.Key |> Option.ofObj with
    | Some entry when entry.Status = ManifestStatus.Failed ->
        let logs =
            entry.ResultFolder
            |> Option.ofObj
            |> Option.map (fun folder -> IO.Path.Combine(folder, "logs"))
            |> Option.filter IO.Directory.Exists
        FailedRun(run.Key, entry.Error, entry.Phase, entry.ResultFolder, Option.toObj logs)
    | _ -> FailedRun(run.Key, $"its lem process exited with status {exitCode} (its output is above)", null, null, null)

/// Starts the child and waits for it; a stop request (Ctrl-C, SIGTERM) is passed on to it. Its exit status.
let private runChild (program: string) (arguments: string list) =
    let stdout = Console.OpenStandardOutput()
    let stderr = Console.OpenStandardError()
    let sink (stream: IO.Stream) (bytes: ReadOnlyMemory<byte>) =
        lock stream (fun () ->
            stream.Write(bytes.Span)
            stream.Flush())
    Console.Out.Flush()
    Console.Error.Flush()
    use child = SystemChildLauncher().Start(program, arguments, Environment.CurrentDirectory, sink stdout, sink stderr)
    use _ =
        Interruption.token.Register(fun () ->
            child.Interrupt(if Interruption.exitCode () = 143 then CommandInterrupt.Terminate else CommandInterrupt.Interrupt))
    child.WaitForExit()

/// Runs `runs` in order, each in its own lem process. `flagsOf KEY`: the child's flags; `counted ()`: called for each
/// run done (now or before), for the line printed when lem is stopped.
let run (runs: PlannedRun list) (options: CampaignOptions) (manifest: RunManifest) (flagsOf: string -> OneRunCommand.Flags) (counted: unit -> unit) : Outcome =
    let total = runs.Length
    let mutable finished = 0
    let failed = ResizeArray<FailedRun>()
    let mutable previous: PlannedRun option = None
    let stopIfAsked () = if Interruption.requested () then raise (RunInterruptedException(finished, total))
    let count () =
        finished <- finished + 1
        counted ()
    runs
    |> List.iteri (fun i run ->
        stopIfAsked ()
        if not options.Fresh && CampaignRunner.IsComplete(run, manifest) then
            eprintfn "[%d/%d] %s: done before, skipped" (i + 1) total run.Key
            count ()
        else
            match previous with
            | Some p ->
                let newCycle = p.Cycle <> run.Cycle
                let pause = if newCycle then options.CycleGap else options.Gap
                if pause > TimeSpan.Zero then
                    eprintfn "pause %.1f s (%s)" pause.TotalSeconds (if newCycle then "cycle gap" else "gap")
                    Interruption.token.WaitHandle.WaitOne pause |> ignore
                    stopIfAsked ()
            | None -> ()
            let program, arguments = OneRunCommand.commandLine (flagsOf run.Key)
            eprintfn "[%d/%d] %s: cold start, in a fresh lem process" (i + 1) total run.Key
            let status = runChild program arguments
            previous <- Some run
            stopIfAsked ()
            if status = 130 || status = 143 then raise (RunInterruptedException(finished, total))
            elif status = 0 then count ()
            else
                let failure = failureOf manifest run status
                eprintfn "[%d/%d] failed: %O; the campaign goes on" (i + 1) total failure
                failed.Add failure)
    { Done = finished; Failed = List.ofSeq failed }
