/// SLURM's programs (sbatch, squeue, sacct, scancel), found on PATH and run with an argument list, never a shell.
module Lem.Cli.Slurm.SlurmPrograms

open System
open System.Diagnostics
open Lem.Engine.Running.Commands

type Output =
    { ExitCode: int
      Stdout: string
      Stderr: string }

/// The program's full path where it is on PATH, else None.
let find (program: string) : string option =
    try
        Some(CommandLocator.Resolve(program, Environment.CurrentDirectory))
    with :? CommandStartException ->
        None

/// The one-line error for a SLURM program that is not on PATH.
let missingMessage (program: string) =
    sprintf "%s is not on PATH, so lem cannot reach SLURM from here. Remedy: run this on a login node of the cluster (or load its module: module load slurm), or run the campaign on this machine without --on slurm." program

/// Runs PROGRAM (a full path) with ARGS and waits for it (at most TIMEOUT: SLURM's commands answer in seconds, or the
/// controller is down), returning what it printed.
let run (program: string) (args: string list) (timeout: TimeSpan) : Output =
    let info = ProcessStartInfo(program, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
    for a in args do info.ArgumentList.Add a
    use p = Process.Start info
    let stdout = p.StandardOutput.ReadToEndAsync()
    let stderr = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit timeout) then
        p.Kill true
        p.WaitForExit()
        { ExitCode = 124; Stdout = stdout.Result; Stderr = sprintf "%s did not answer within %.0f s (is slurmctld reachable? scontrol ping says)" program timeout.TotalSeconds }
    else
        p.WaitForExit()
        { ExitCode = p.ExitCode; Stdout = stdout.Result; Stderr = stderr.Result }

/// The first line of what a failed program said, for a one-line message.
let firstLine (o: Output) =
    let text = if String.IsNullOrWhiteSpace o.Stderr then o.Stdout else o.Stderr
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries) |> Array.tryHead |> Option.defaultValue (sprintf "exit code %d" o.ExitCode)
