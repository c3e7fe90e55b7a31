/// What SLURM says about the array tasks of lem's jobs: squeue (queued, running, and jobs that ended a few minutes ago)
/// and sacct (the accounting of ended jobs, where the cluster keeps it), read from their delimited outputs.
module Lem.Cli.Slurm.QueueStates

open System
open Lem.Cli.Slurm

/// One array task as SLURM reports it.
type TaskState =
    { JobId: string
      Index: int
      /// SLURM's state: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
      State: string
      /// Where it runs or ran ("" when not yet placed).
      Node: string
      /// squeue's reason (why it waits), or sacct's exit code (`1:0`).
      Detail: string }

/// States of a task that has not started yet (or was put back in the queue).
let private waiting = set [ "PENDING"; "REQUEUED"; "REQUEUE_HOLD"; "REQUEUE_FED"; "RESV_DEL_HOLD" ]

/// States of a task that holds its allocation (its lem may be measuring).
let private holding = set [ "RUNNING"; "CONFIGURING"; "COMPLETING"; "SUSPENDED"; "STOPPED"; "SIGNALING"; "STAGE_OUT"; "RESIZING" ]

let isQueued (t: TaskState) = waiting.Contains t.State
let isRunning (t: TaskState) = holding.Contains t.State

/// sacct writes `CANCELLED by 1000`: the state is the first word.
let private stateWord (state: string) = state.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> Array.tryHead |> Option.defaultValue state

/// `JOB_INDEX` (an array task) as the job and the index; None for a whole job or a range not yet split (`12_[3-5%1]`).
let private arrayTask (id: string) =
    match id.Split '_' with
    | [| job; index |] ->
        match Int32.TryParse index with
        | true, i -> Some(job, i)
        | _ -> None
    | _ -> None

/// squeue's fields, in the order `squeueArguments` asks for them.
let private squeueFormat = "%F|%K|%T|%N|%r"

/// squeue --array --states=all: every task of these jobs that the controller still knows (ended ones for MinJobAge,
/// 5 minutes by default), one line each.
let squeueArguments (jobIds: string list) =
    [ "--array"; "--noheader"; "--states=all"; sprintf "--jobs=%s" (String.Join(",", jobIds)); sprintf "--format=%s" squeueFormat ]

/// Lines of `squeue --format=%F|%K|%T|%N|%r`: array job id, task index, state, node list, reason.
let parseSqueue (text: string) : TaskState list =
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    |> Array.choose (fun line ->
        match line.Split '|' with
        | [| job; index; state; node; reason |] ->
            match Int32.TryParse index with
            | true, i -> Some { JobId = job; Index = i; State = stateWord state; Node = node; Detail = reason }
            | _ -> None
        | _ -> None)
    |> List.ofArray

/// sacct --parsable2: the allocations of these jobs (not their steps), with state, exit code and nodes.
let sacctArguments (jobIds: string list) =
    [ "--parsable2"; "--noheader"; "--allocations"; sprintf "--jobs=%s" (String.Join(",", jobIds)); "--format=JobID,State,ExitCode,NodeList" ]

/// Lines of `sacct --parsable2 --format=JobID,State,ExitCode,NodeList`.
let parseSacct (text: string) : TaskState list =
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    |> Array.choose (fun line ->
        match line.Split '|' with
        | [| id; state; exitCode; node |] ->
            arrayTask id |> Option.map (fun (job, i) -> { JobId = job; Index = i; State = stateWord state; Node = node; Detail = exitCode })
        | _ -> None)
    |> List.ofArray

/// What SLURM says about lem's jobs, and notes on what it could not be asked.
type QueueView =
    { Tasks: Map<string * int, TaskState>
      /// Why squeue could not be asked (absent, failed); None when it answered (or there was nothing to ask).
      SqueueNote: string option
      /// Why sacct could not be asked (absent, no accounting on this cluster).
      SacctNote: string option
      /// squeue answered: the tasks it does not list are neither queued nor running.
      QueueKnown: bool }

let empty = { Tasks = Map.empty; SqueueNote = None; SacctNote = None; QueueKnown = false }

let private timeout = TimeSpan.FromSeconds 60.0

/// What one SLURM program says of the jobs, parsed; Error with the note NOTE (what it means not to know) when the program
/// is absent or fails. A program that fails only because every job named has left the controller's memory (squeue
/// says "Invalid job id") lists no task.
let private askProgram (program: string) (args: string list) (parse: string -> TaskState list) (note: string) =
    match SlurmPrograms.find program with
    | None -> Error(sprintf "%s is not on PATH: %s" program note)
    | Some path ->
        let o = SlurmPrograms.run path args timeout
        if o.ExitCode = 0 then Ok(parse o.Stdout)
        elif o.Stderr.Contains "Invalid job id" then Ok []
        else Error(sprintf "%s gave no answer (%s): %s" program (SlurmPrograms.firstLine o) note)

let private askSqueue (jobIds: string list) =
    askProgram "squeue" (squeueArguments jobIds) parseSqueue "the states come from the manifest and the run folders only (queued and running tasks are not known)"

let private askSacct (jobIds: string list) =
    askProgram "sacct" (sacctArguments jobIds) parseSacct "how ended tasks ended is known only from the manifest"

/// Asks squeue and sacct about these jobs; squeue's view (the live one) wins over sacct's.
let ask (jobIds: string list) : QueueView =
    if jobIds.IsEmpty then empty
    else
        let squeue = askSqueue jobIds
        let sacct = askSacct jobIds
        let listed = function Ok tasks -> tasks | Error _ -> []
        let note = function Ok _ -> None | Error n -> Some n
        let byTask (tasks: TaskState list) = tasks |> List.map (fun t -> (t.JobId, t.Index), t)
        { Tasks = Map.ofList (byTask (listed sacct) @ byTask (listed squeue))
          SqueueNote = note squeue
          SacctNote = note sacct
          QueueKnown = Result.isOk squeue }
