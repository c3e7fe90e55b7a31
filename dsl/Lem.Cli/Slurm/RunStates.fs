/// The state of each planned run on a cluster: from its run folders (done), its manifest entry (failed, interrupted,
/// running) and SLURM's view of the array task that lem submitted for it last (queued, running, how it ended).
module Lem.Cli.Slurm.RunStates

open Lem.Engine.Running
open Lem.Cli.Slurm.QueueStates

type RunState =
    | Done
    | Running
    | Queued
    | Failed
    /// lem submitted it, and nothing tells what became of it (squeue cannot be asked).
    | Submitted
    | NotSubmitted

/// Every state, in the order lem status counts them.
let all = [ Done; Running; Queued; Failed; Submitted; NotSubmitted ]

let word (state: RunState) =
    match state with
    | Done -> "done"
    | Running -> "running"
    | Queued -> "queued"
    | Failed -> "failed"
    | Submitted -> "submitted"
    | NotSubmitted -> "not submitted"

/// The state's name in `lem status --json`: the word, spaces as underscores (`not_submitted`), so that scripts read it
/// as a plain key.
let jsonName (state: RunState) = (word state).Replace(' ', '_')

/// What is known of one planned run.
type RunFacts =
    { Key: string
      /// The run id of the complete folder that holds it, if one does.
      CompleteRunId: string option
      Manifest: ManifestEntry option
      /// The array task lem submitted for it last: job id and index.
      LastTask: (string * int) option }

type RunRow =
    { Key: string
      State: RunState
      /// The run id, the job's task and where it runs, or why it failed.
      Detail: string }

let private taskName (job: string, index: int) = sprintf "task %s_%d" job index

/// What the manifest says of a run that is neither done nor queued or running in SLURM, in a row.
let private fromManifest (key: string) (entry: ManifestEntry option) (prefix: string) : RunRow option =
    match entry with
    | Some e when e.Status = ManifestStatus.Failed -> Some { Key = key; State = Failed; Detail = prefix + (e.Error |> Option.ofObj |> Option.defaultValue "the run failed") }
    | Some e when e.Status = ManifestStatus.Interrupted -> Some { Key = key; State = Failed; Detail = prefix + "interrupted (SIGTERM: scancel, the time limit, or a stop)" }
    | _ -> None

/// One run's row (see the module summary); LOGOF names a task's output file.
let row (view: QueueView) (logOf: string * int -> string) (facts: RunFacts) : RunRow =
    let key = facts.Key
    match facts.CompleteRunId, facts.LastTask with
    | Some runId, _ -> { Key = key; State = Done; Detail = runId }
    | None, Some task ->
        let name = taskName task
        match view.Tasks.TryFind task with
        | Some t when isQueued t -> { Key = key; State = Queued; Detail = sprintf "%s (%s: %s)" name t.State t.Detail }
        | Some t when isRunning t -> { Key = key; State = Running; Detail = sprintf "%s on %s" name t.Node }
        | slurm ->
            let ended = slurm |> Option.map (fun t -> sprintf "%s ended %s%s: " name t.State (if t.Detail = "" || t.Detail = "None" then "" else " " + t.Detail))
            match fromManifest key facts.Manifest (ended |> Option.defaultValue (name + ": ")) with
            | Some failed -> failed
            | None when view.QueueKnown || slurm.IsSome ->
                { Key = key; State = Failed
                  Detail = (ended |> Option.defaultValue (name + " is no longer queued: ")) + sprintf "it left no complete result (its output: %s)" (logOf task) }
            | None when facts.Manifest |> Option.exists (fun e -> e.Status = ManifestStatus.Running) ->
                { Key = key; State = Running; Detail = sprintf "%s (the manifest says running)" name }
            | None -> { Key = key; State = Submitted; Detail = name }
    | None, None ->
        match fromManifest key facts.Manifest "" with
        | Some failed -> failed
        | None when facts.Manifest |> Option.exists (fun e -> e.Status = ManifestStatus.Running) ->
            { Key = key; State = Running; Detail = "not a task lem submitted (the manifest says running)" }
        | None -> { Key = key; State = NotSubmitted; Detail = "" }

/// Whether a resubmission submits the run: it is not complete, and lem's task for it is not queued or running.
let needsSubmitting (view: QueueView) (facts: RunFacts) =
    facts.CompleteRunId.IsNone
    && not (facts.LastTask |> Option.bind view.Tasks.TryFind |> Option.exists (fun t -> isQueued t || isRunning t))
