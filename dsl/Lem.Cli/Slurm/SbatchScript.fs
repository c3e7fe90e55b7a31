/// The sbatch script of `lem run FILE --on slurm`: one job array, one task per planned run; task i runs the i-th key
/// with `lem run FILE --only KEY`, after its pause (the campaign's gaps, when the tasks run one at a time).
module Lem.Cli.Slurm.SbatchScript

open System
open System.Text
open Lem.Dsl.Checker
open Lem.Cli

/// One array task: the planned run it runs, and how long it waits before it starts it.
type ArrayTask = { Key: string; PauseBefore: TimeSpan }

type ScriptSpec =
    { /// The job's name (`lem-SCRIPT.TARGET`).
      JobName: string
      Settings: SlurmSettings
      /// Where each task's output goes, with SLURM's %A (job id) and %a (task index).
      OutputPattern: string
      /// The folder the tasks start in (where lem run --on slurm was typed: relative results.dir resolve there).
      WorkingFolder: string
      /// The shell words that start lem, as they go into the script.
      LemCommand: string
      /// lem's arguments for one key (OneRunCommand.arguments).
      ArgumentsFor: string -> string list
      Tasks: ArrayTask list
      /// Comment lines at the top (what wrote the script, for which script and target).
      Comments: string list }

/// A text no key can be, standing for "$key" in the rendered command line.
let private keySlot = "\u0000key\u0000"

/// sbatch's time format, days-hours:minutes:seconds (seconds rounded up).
let timeText (t: TimeSpan) =
    let total = int64 (Math.Ceiling t.TotalSeconds)
    sprintf "%d-%02d:%02d:%02d" (total / 86400L) (total % 86400L / 3600L) (total % 3600L / 60L) (total % 60L)

/// The pause before each run: with the tasks one at a time (max_parallel = 1), the campaign's cycle_gap before a run
/// whose cycle differs from the previous one's and its gap before the others, as the campaign runner pauses in one
/// process; none before the first, and none at all when tasks may run at once (a pause would not separate them).
let pauses (oneAtATime: bool) (gap: TimeSpan) (cycleGap: TimeSpan) (cycles: int list) : TimeSpan list =
    cycles
    |> List.mapi (fun i cycle ->
        if not oneAtATime || i = 0 then TimeSpan.Zero
        elif cycles[i - 1] <> cycle then cycleGap
        else gap)

/// The #SBATCH options, in the order they are written.
let options (spec: ScriptSpec) : string list =
    let s = spec.Settings
    let throttle = s.MaxParallel |> Option.map (sprintf "%%%d") |> Option.defaultValue ""
    [ yield sprintf "--job-name=%s" spec.JobName
      yield sprintf "--array=0-%d%s" (spec.Tasks.Length - 1) throttle
      yield sprintf "--output=%s" spec.OutputPattern
      yield sprintf "--chdir=%s" spec.WorkingFolder
      match s.Partition with Some p -> yield sprintf "--partition=%s" p | None -> ()
      match s.Account with Some a -> yield sprintf "--account=%s" a | None -> ()
      match s.Time with Some t -> yield sprintf "--time=%s" (timeText t) | None -> ()
      match s.GpusPerTask with Some n when n > 0 -> yield sprintf "--gpus-per-task=%d" n | _ -> ()
      match s.CpusPerTask with Some n -> yield sprintf "--cpus-per-task=%d" n | None -> ()
      match s.Mem with Some m -> yield sprintf "--mem=%s" m | None -> ()
      yield! s.Extra ]

/// The script's text.
let render (spec: ScriptSpec) : string =
    let sb = StringBuilder()
    let line (text: string) = sb.Append(text).Append('\n') |> ignore
    line "#!/bin/bash"
    for c in spec.Comments do line ("# " + c)
    for o in options spec do line ("#SBATCH " + o)
    line ""
    line "set -u"
    line "# the planned run of each task, by SLURM_ARRAY_TASK_ID, and the pause (seconds) before it"
    line "keys=("
    for t in spec.Tasks do line ("  " + ShellWords.quote t.Key)
    line ")"
    line (sprintf "pauses_s=(%s)" (spec.Tasks |> List.map (fun t -> string (int64 (Math.Ceiling t.PauseBefore.TotalSeconds))) |> String.concat " "))
    line "key=${keys[$SLURM_ARRAY_TASK_ID]}"
    line "pause_s=${pauses_s[$SLURM_ARRAY_TASK_ID]}"
    line "if [ \"$pause_s\" -gt 0 ]; then"
    line "  echo \"lem: pause of $pause_s s before $key (the campaign's gap; tasks run one at a time)\" >&2"
    line "  sleep \"$pause_s\""
    line "fi"
    let arguments = spec.ArgumentsFor keySlot |> List.map (fun a -> if a = keySlot then "\"$key\"" else ShellWords.quote a)
    line (sprintf "exec %s %s" spec.LemCommand (String.Join(" ", arguments)))
    sb.ToString()
