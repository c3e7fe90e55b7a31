/// What `lem run FILE --on slurm` submitted, kept beside the results: RESULTS/slurm/SCRIPT.TARGET-STAMP.sbatch (the
/// script as submitted) and RESULTS/slurm/SCRIPT.TARGET-STAMP.json (its job id and which planned run each array task
/// runs). `lem status` and a resubmission read them back to ask squeue and sacct about lem's own jobs.
module Lem.Cli.Slurm.Submissions

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open Lem.Engine.Results.Store

type Submission =
    { /// SCRIPT.TARGET: the script's file name without extension, and the run statement's target.
      Name: string
      /// The .lem script (full path).
      Script: string
      /// The rendered sbatch script beside this record.
      SbatchScript: string
      SubmittedUtc: DateTimeOffset
      /// SLURM's job id of the array, as sbatch --parsable printed it (without a cluster name); None when sbatch failed.
      JobId: string option
      /// The cluster, where sbatch named one (`123;cluster`).
      Cluster: string option
      /// Why sbatch refused it, when it did.
      Error: string option
      /// The planned run of each array task, by index (SLURM_ARRAY_TASK_ID).
      Keys: string list }

/// RESULTS/slurm: the scripts, the records, and logs/ (each task's output).
let folder (resultsRoot: string) = Path.Combine(resultsRoot, "slurm")

/// RESULTS/slurm/logs/NAME-JOB_TASK.out, with SLURM's %A and %a.
let outputPattern (resultsRoot: string) (name: string) = Path.Combine(folder resultsRoot, "logs", name + "-%A_%a.out")

/// The output file of one task (the pattern's %A and %a filled in).
let taskOutput (resultsRoot: string) (name: string) (job: string, index: int) =
    Path.Combine(folder resultsRoot, "logs", sprintf "%s-%s_%d.out" name job index)

/// RESULTS/slurm/NAME-STAMP: the path of a new submission's files without their extension (a UTC time to the millisecond).
let newBase (resultsRoot: string) (name: string) (now: DateTimeOffset) =
    Path.Combine(folder resultsRoot, sprintf "%s-%s" name (now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'")))

let private toJson (s: Submission) =
    let optional (v: string option) : JsonNode = match v with Some text -> JsonValue.Create text | None -> null
    let tasks = JsonArray()
    for index, key in List.indexed s.Keys do
        let task = JsonObject()
        task["index"] <- JsonValue.Create index
        task["key"] <- JsonValue.Create key
        tasks.Add task
    let o = JsonObject()
    o["name"] <- JsonValue.Create s.Name
    o["script"] <- JsonValue.Create s.Script
    o["sbatch_script"] <- JsonValue.Create s.SbatchScript
    o["submitted_utc"] <- JsonValue.Create(s.SubmittedUtc.ToString "O")
    o["job_id"] <- optional s.JobId
    o["cluster"] <- optional s.Cluster
    o["error"] <- optional s.Error
    o["tasks"] <- tasks
    o.ToJsonString(JsonSerializerOptions(WriteIndented = true, Encoder = Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping))

/// Writes (or replaces) the record beside its sbatch script, atomically.
let write (jsonPath: string) (s: Submission) = AtomicFile.Replace(jsonPath, toJson s)

let private ofJson (text: string) : Submission option =
    let o = JsonNode.Parse(text).AsObject()
    let text (name: string) = match o[name] with null -> None | v -> Some(v.GetValue<string>())
    let required (name: string) = text name |> Option.defaultWith (fun () -> raise (FormatException(sprintf "no %s" name)))
    let keys =
        (match o["tasks"] with null -> raise (FormatException "no tasks") | tasks -> tasks.AsArray())
        |> Seq.map (fun t -> t["index"].GetValue<int>(), t["key"].GetValue<string>())
        |> Seq.sortBy fst
        |> Seq.map snd
        |> List.ofSeq
    Some
        { Name = required "name"
          Script = required "script"
          SbatchScript = required "sbatch_script"
          SubmittedUtc = DateTimeOffset.Parse(required "submitted_utc", Globalization.CultureInfo.InvariantCulture)
          JobId = text "job_id"
          Cluster = text "cluster"
          Error = text "error"
          Keys = keys }

/// A record; None when it is unreadable (a hand-edited or truncated file is left out, not fatal).
let private read (path: string) =
    try
        ofJson (File.ReadAllText path)
    with
    | :? JsonException
    | :? IOException
    | :? InvalidOperationException
    | :? FormatException -> None

/// The submissions of NAME (SCRIPT.TARGET) in RESULTS that SLURM accepted, oldest first.
let submitted (resultsRoot: string) (name: string) : Submission list =
    let dir = folder resultsRoot
    if not (Directory.Exists dir) then []
    else
        Directory.GetFiles(dir, name + "-*.json")
        |> Array.choose read
        |> Array.filter (fun s -> s.Name = name && s.JobId.IsSome)
        |> Array.sortBy (fun s -> s.SubmittedUtc)
        |> List.ofArray
