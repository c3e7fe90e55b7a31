/// Reads a campaign's `slurm { ... }` block (the paths `slurm.*`): what `lem run FILE --on slurm` asks SLURM for.
/// Each value is checked here, so that a bad one is an error at its position before anything is submitted.
module internal Lem.Dsl.Checker.SlurmCampaignSettings

open System
open System.Text.RegularExpressions
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// The settings, as `slurm.NAME` campaign paths.
let keys =
    [ "slurm.partition"; "slurm.account"; "slurm.time"; "slurm.gpus_per_task"; "slurm.cpus_per_task"; "slurm.mem"
      "slurm.max_parallel"; "slurm.extra" ]

/// sbatch options that lem writes itself (the array, where each task's output goes, the working folder).
let private ownedByLem = [ "--array"; "-a"; "--output"; "-o"; "--error"; "-e"; "--chdir"; "-D"; "--wrap"; "--parsable" ]

/// sbatch options that have a setting of their own, with that setting.
let private dedicated =
    [ "--partition", "partition"; "-p", "partition"; "--account", "account"; "-A", "account"; "--time", "time"; "-t", "time"
      "--gpus-per-task", "gpus_per_task"; "--cpus-per-task", "cpus_per_task"; "-c", "cpus_per_task"; "--mem", "mem" ]

/// Names SLURM accepts for partitions and accounts (a comma-separated list of partitions included).
let private slurmName = Regex(@"^[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+)*$")

/// sbatch's --mem: a whole number with an optional unit K, M, G or T.
let private memory = Regex(@"^[0-9]+[KMGT]?$")

/// The option name of an extra line: `--constraint=a100` and `--constraint a100` name `--constraint`, `-N2` names `-N`.
let private optionName (line: string) =
    if line.StartsWith "--" then line.Split([| '='; ' ' |], 2)[0]
    elif line.StartsWith "-" && line.Length >= 2 then line.Substring(0, 2)
    else line

/// Why an `extra` line cannot be written as `#SBATCH LINE`, or None.
let private extraProblem (line: string) =
    let name = optionName line
    if line.Contains '\n' || line.Contains '\r' then Some "is more than one line"
    elif not (line.StartsWith "-") then Some "is not an sbatch option (it must begin with - or --, e.g. \"--constraint=a100\")"
    elif List.contains name ownedByLem then
        Some(sprintf "sets %s, which lem writes itself (the job array of the planned runs, each task's output under RESULTS/slurm/logs, the submitting folder)" name)
    else
        dedicated |> List.tryFind (fun (option, _) -> option = name)
        |> Option.map (fun (_, setting) -> sprintf "sets %s, which slurm.%s sets" name setting)

/// Reads one `slurm.*` assignment into the settings; a bad value is reported at its position (LEM0245).
let read (lets: Lowering.LetEnv) (report: SyntaxDiagnostic -> unit) (settings: SlurmSettings) (a: Assignment) : SlurmSettings =
    let key = a.Path.Text
    let bad (message: string) =
        report (SyntaxDiagnostic.error Codes.CampaignSlurm a.Value.Range (sprintf "campaign %s %s" key message))
        settings
    let integer (low: int) (high: int) (set: int -> SlurmSettings) =
        match Lowering.lower lets true report a.Value with
        | :? ConfigValue.Integer as i when i.Value >= int64 low && i.Value <= int64 high -> set (int i.Value)
        | _ -> bad (sprintf "expects an integer from %d to %d" low high)
    // a bare word is taken as written (`partition = gpu`), as for a quoted one
    let text (valid: string -> bool) (expected: string) (set: string -> SlurmSettings) =
        match Lowering.lower lets false report a.Value with
        | :? ConfigValue.Text as t when valid t.Value -> set t.Value
        | :? ConfigValue.Word as w when valid w.Value -> set w.Value
        | _ -> bad (sprintf "expects %s" expected)
    match key with
    | "slurm.partition" ->
        text slurmName.IsMatch "a partition name in quotes, such as \"gpu\" (several: \"gpu,gpu-long\"); `sinfo` lists them" (fun v ->
            { settings with Partition = Some v })
    | "slurm.account" ->
        text slurmName.IsMatch "an account name in quotes, such as \"proj123\"; `sacctmgr show assoc user=$USER` lists yours" (fun v ->
            { settings with Account = Some v })
    | "slurm.time" ->
        match Lowering.lower lets true report a.Value with
        | :? ConfigValue.Duration as d when d.Value > TimeSpan.Zero -> { settings with Time = Some d.Value }
        | _ -> bad "expects a duration above zero, such as 30m or 2h: each task's time limit (one planned run, its model load included)"
    | "slurm.gpus_per_task" -> integer 0 64 (fun n -> { settings with GpusPerTask = Some n })
    | "slurm.cpus_per_task" -> integer 1 4096 (fun n -> { settings with CpusPerTask = Some n })
    | "slurm.mem" ->
        text memory.IsMatch "memory per node as sbatch writes it, in quotes: a whole number and K, M, G or T, such as \"32G\"" (fun v ->
            { settings with Mem = Some v })
    | "slurm.max_parallel" -> integer 1 100000 (fun n -> { settings with MaxParallel = Some n })
    | "slurm.extra" ->
        match Lowering.lower lets true report a.Value with
        | :? ConfigValue.List as items ->
            let lines = items.Items |> Seq.map (function :? ConfigValue.Text as t -> Some t.Value | _ -> None) |> List.ofSeq
            if lines |> List.exists Option.isNone then
                bad "expects a list of sbatch options in quotes, one #SBATCH line each: [\"--constraint=a100\", \"--qos=high\"]"
            else
                match lines |> List.choose id |> List.tryPick (fun line -> extraProblem line |> Option.map (fun why -> line, why)) with
                | Some(line, why) -> bad (sprintf "line \"%s\" %s. Remedy: remove it%s" line why (if why.Contains "slurm." then " and use that setting" else ""))
                | None -> { settings with Extra = List.choose id lines }
        | _ -> bad "expects a list of sbatch options in quotes, one #SBATCH line each: [\"--constraint=a100\", \"--qos=high\"]"
    | _ ->
        let hint = DidYouMean.hint keys key
        report (
            SyntaxDiagnostic.error Codes.CampaignSlurm a.Path.Range
                (sprintf "campaigns have no setting '%s'%s (slurm settings: %s)" key hint (keys |> List.map (fun k -> k.Substring 6) |> String.concat ", "))
        )
        settings
