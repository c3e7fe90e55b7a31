/// Ctrl-C (SIGINT) and SIGTERM. `lem run` and `lem experiment` stop after cleaning up: the first signal asks the
/// runner to stop (RunnerServices.Cancellation): the run in progress ends at its next stage, batch, decode step or
/// request and is marked interrupted, the runner's teardown stops the servers it launched, temporary files are removed,
/// and lem prints one line (how many planned runs are done, and that rerunning the same command resumes) and exits 130
/// (SIGINT) or 143 (SIGTERM). A second signal, or work that does not stop within the grace period (a model load, a
/// long synthetic-model generation), stops lem at once: the process-exit handlers still stop launched servers and
/// remove temporary files, and the next start marks the unfinished run folder interrupted. Other commands stop at once
/// with the same clean-up.
module Lem.Cli.Interruption

open System
open System.Runtime.InteropServices
open System.Threading
open System.Threading.Tasks

/// How long a graceful stop may take before lem stops at once: long enough for a launched server's own stop grace
/// (server.stop_grace, 15 s by default), short of the SIGKILL a scheduler sends after its SIGTERM (30 s later by
/// default in SLURM).
let grace = TimeSpan.FromSeconds 25.0

let private source = new CancellationTokenSource()
let private gate = obj ()
let mutable private received: PosixSignal option = None
let mutable private registrations: PosixSignalRegistration list = []

/// The line printed when lem stops; the script host replaces it with how far the runs got.
let mutable progressLine: unit -> string = fun () -> "interrupted"

/// Cancelled by the first signal.
let token = source.Token

/// Whether a stop signal came.
let requested () = received.IsSome

/// 130 after SIGINT, 143 after SIGTERM (128 + the signal's number, as shells report it).
let exitCode () =
    match received with
    | Some PosixSignal.SIGTERM -> 143
    | _ -> 130

let private name (signal: PosixSignal) = if signal = PosixSignal.SIGTERM then "SIGTERM" else "SIGINT"

let mutable private said = 0

/// After a stop: prints the line (once, whichever of the stopped work and the forced stop gets here first) and
/// returns the exit code.
let finish () =
    if Interlocked.Exchange(&said, 1) = 0 then eprintfn "%s" (progressLine ())
    exitCode ()

/// Ends the process now; the process-exit handlers stop servers and remove temporary files.
let private stopNow () = Environment.Exit(finish ())

let private onSignal (graceful: bool) (context: PosixSignalContext) =
    context.Cancel <- true // lem ends itself, after cleaning up
    let first =
        lock gate (fun () ->
            match received with
            | None ->
                received <- Some context.Signal
                true
            | Some _ -> false)
    if first && graceful then
        source.Cancel()
        eprintfn "lem: %s: stopping after cleaning up (the run in progress is marked interrupted); a second Ctrl-C or SIGTERM stops at once" (name context.Signal)
        Task.Delay(grace).ContinueWith(fun (_: Task) ->
            eprintfn "lem: the work did not stop within %.0f s; stopping at once" grace.TotalSeconds
            stopNow ()) |> ignore
    else
        stopNow ()

/// Handles SIGINT and SIGTERM from now on: <paramref name="graceful"/> for commands that run experiments (backends
/// then leave those signals to lem: the runner's teardown stops what they launched).
let listen (graceful: bool) =
    Lem.Engine.Running.StopSignals.HandledByHost <- graceful
    if not (OperatingSystem.IsWindows()) then
        registrations <-
            [ for signal in [ PosixSignal.SIGINT; PosixSignal.SIGTERM ] -> PosixSignalRegistration.Create(signal, Action<_>(onSignal graceful)) ]
