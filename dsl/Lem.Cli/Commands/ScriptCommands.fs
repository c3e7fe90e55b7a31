/// The language commands: check, plan, explain, run, repl, experiment, config convert.
module Lem.Cli.Commands.ScriptCommands

open System
open System.IO
open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Dsl
open Lem.Dsl.Checker
open Lem.Engine.Config
open Lem.Engine.Running

/// The registry every script is checked against: the one composed from this build's backend modules.
let registry = RegistryAdapter.ofRegistry Composition.registry

let private requireFile (path: string) =
    if not (File.Exists path) then fail (sprintf "%s: no such file. Remedy: check the path (it is relative to the current folder)." path)

/// Prints diagnostics to stderr; true when there are errors.
let private report (program: CheckedProgram) =
    for line in Api.render program.Diagnostics do eprintfn "%s" line
    Api.hasErrors program

/// Checks a script with its settings (--set overrides, the run limit), printing its diagnostics; the program and whether it has errors.
let check (settings: Api.CheckSettings) (path: string) =
    requireFile path
    let program = Api.checkFileWith registry settings path
    program, report program

/// --max-runs N (the default limit without it); N must be positive.
let private maxRuns (given: int option) =
    match given with
    | Some n when n < 1 -> fail (sprintf "--max-runs %d: the limit must be a positive number of runs (the default is %d)." n Api.defaultSettings.MaxRuns)
    | Some n -> n
    | None -> Api.defaultSettings.MaxRuns

let private resultsDirOf (program: CheckedProgram) (experiment: string) =
    match (Api.fullValues registry program experiment).TryGetValue "results.dir" with
    | true, v -> match v.Value with :? ConfigValue.Text as t -> t.Value | other -> string other
    | _ -> "results"

/// `lem check`: the checker with pre-flight (a GPU this machine lacks is a warning: the script may run elsewhere), then
/// how many runs each `run` statement starts.
let checkCommand (args: ParseResults<CheckArgs>) =
    let path = args.GetResult CheckArgs.Script
    let settings =
        { Api.defaultSettings with
            MaxRuns = maxRuns (args.TryGetResult CheckArgs.Max_Runs)
            Preflight = Some(PreflightHost.create path false None) }
    let program, hasErrors = check settings path
    if hasErrors then 1
    else
        for line in Api.runSummary registry program do printfn "%s" line
        0

let planCommand (args: ParseResults<PlanArgs>) =
    let settings = { Api.defaultSettings with Overrides = args.GetResults PlanArgs.Override; MaxRuns = maxRuns (args.TryGetResult PlanArgs.Max_Runs) }
    let program, hasErrors = check settings (args.GetResult PlanArgs.Script)
    if hasErrors then 1
    elif args.Contains PlanArgs.Json then
        printfn "%s" (Api.planJson registry program)
        0
    else
        printfn "%s" (Api.planText registry program)
        for line in Api.runSummary registry program do printfn "%s" line
        0

let explainCommand (args: ParseResults<ExplainArgs>) =
    let file, name = args.GetResult ExplainArgs.Target
    let program, hasErrors = check { Api.defaultSettings with MaxRuns = maxRuns (args.TryGetResult ExplainArgs.Max_Runs) } file
    if hasErrors then 1
    else
        match Api.explain registry program name with
        | Some text ->
            printfn "%s" text
            0
        | None -> fail (sprintf "%s defines no experiment, sweep or campaign named '%s'. Remedy: lem plan %s lists the experiments." file name file)

let private withRunner (body: ExperimentRunner -> int) =
    use runner = new ExperimentRunner(Composition.services Console.Error)
    body runner

let private runProgram (options: ScriptHost.HostOptions) (program: CheckedProgram) =
    withRunner (fun runner ->
        let host = ScriptHost.create options runner (resultsDirOf program)
        let failures = Api.run registry host program
        for line in Api.render failures do eprintfn "%s" line
        if failures.IsEmpty then 0 else 1)

/// Runs the one experiment that PATH defines (a .lem file's only experiment, or an original YAML config).
let private runSingle (path: string) (program: CheckedProgram) (options: ScriptHost.HostOptions) =
    match program.ExperimentOrder with
    | [ name ] ->
        match Api.runRequest registry program name with
        | None -> fail (sprintf "%s: '%s' cannot be run." path name)
        | Some request ->
            withRunner (fun runner ->
                let host = ScriptHost.create options runner (resultsDirOf program)
                match host.RunExperiments request with
                | Ok() -> 0
                | Error message -> fail message)
    | [] -> fail (sprintf "%s defines no experiment. Remedy: add `experiment NAME { ... }` (or give a YAML config)." path)
    | many ->
        fail (sprintf "%s defines %d experiments (%s); lem experiment runs one. Remedy: use lem run with a `run NAME` statement." path many.Length (String.Join(", ", many)))

/// `lem run`: the checker with pre-flight before the first run (a GPU this machine lacks is an error, except in a dry
/// run), then the statements.
let runCommand (args: ParseResults<RunArgs>) =
    let path = args.GetResult RunArgs.Script
    let options: ScriptHost.HostOptions =
        { ScriptPath = path; DryRun = args.Contains RunArgs.Dry_Run; Fresh = args.Contains RunArgs.Fresh
          ResultsOverride = args.TryGetResult RunArgs.Results }
    let settings =
        { Overrides = args.GetResults RunArgs.Override
          MaxRuns = maxRuns (args.TryGetResult RunArgs.Max_Runs)
          Preflight = Some(PreflightHost.create path (not options.DryRun) options.ResultsOverride) }: Api.CheckSettings
    let program, hasErrors = check settings path
    if hasErrors then 1
    elif program.Actions.IsEmpty && Api.isYaml path then
        // an original YAML config has no statements: run its experiment (completed runs are skipped, as for scripts)
        runSingle path program options
    elif program.Actions.IsEmpty then
        eprintfn "%s: nothing to run (no run, analyze or show statement). Add `run NAME` for an experiment, sweep or campaign it defines." path
        1
    else
        runProgram options program

/// `lem experiment CONFIG`: the one experiment a .lem file or an original YAML config defines, run now
/// (every cycle, new run ids; nothing is skipped).
let experimentCommand (args: ParseResults<ExperimentArgs>) =
    let path = args.GetResult ExperimentArgs.Config
    let results = args.TryGetResult ExperimentArgs.Results
    let settings =
        { Overrides = args.GetResults ExperimentArgs.Override
          MaxRuns = maxRuns (args.TryGetResult ExperimentArgs.Max_Runs)
          Preflight = Some(PreflightHost.create path true results) }: Api.CheckSettings
    let program, hasErrors = check settings path
    if hasErrors then 1
    else runSingle path program { ScriptPath = path; DryRun = false; Fresh = true; ResultsOverride = results }

let convertYaml (path: string) =
    requireFile path
    if not (Api.isYaml path) then
        fail (sprintf "%s is not a YAML config: lem config convert reads original LLenergyMeasure configs (.yaml or .yml). Remedy: give the YAML file (a .lem script needs no conversion)." path)
    match Api.convertYaml registry path with
    | Ok text ->
        printf "%s" text
        0
    | Error diagnostics ->
        for line in Api.render diagnostics do eprintfn "%s" line
        1

/// `lem repl`: statements are read until a line is blank or the brackets balance; definitions are kept;
/// errors are shown without leaving.
let replCommand (args: ParseResults<ReplArgs>) =
    withRunner (fun runner ->
        let mutable session = Api.replStart registry
        let submit (chunk: string) =
            let outcome = Api.replSubmit session chunk
            for line in Api.render outcome.Diagnostics do eprintfn "%s" line
            session <- outcome.Session
            if not outcome.Actions.IsEmpty then
                let program = outcome.Session.Program
                let host =
                    ScriptHost.create { ScriptPath = Path.Combine(Environment.CurrentDirectory, "repl.lem"); DryRun = false; Fresh = false; ResultsOverride = None }
                        runner (resultsDirOf program)
                // an error shows and the session goes on (its definitions are kept)
                try
                    for line in Api.render (Api.replRun host outcome) do eprintfn "%s" line
                with e ->
                    eprintfn "lem: error: %s" e.Message
            outcome.Quit
        let mutable quit =
            match args.TryGetResult ReplArgs.Load with
            | Some file -> submit (":load " + file)
            | None -> false
        eprintfn "lem %s — .lem statements; :load FILE, :quit" Api.version
        let buffer = Text.StringBuilder()
        let depth (text: string) = (text |> Seq.filter (fun c -> c = '{' || c = '[' || c = '(') |> Seq.length) - (text |> Seq.filter (fun c -> c = '}' || c = ']' || c = ')') |> Seq.length)
        while not quit do
            eprintf (if buffer.Length = 0 then "lem> " else "...> ")
            match Console.ReadLine() with
            | null -> quit <- true
            | line ->
                buffer.AppendLine line |> ignore
                let text = buffer.ToString()
                if depth text <= 0 then
                    buffer.Clear() |> ignore
                    if text.Trim() <> "" then quit <- submit text
        0)
