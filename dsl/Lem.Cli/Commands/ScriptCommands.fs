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
let maxRuns (given: int option) =
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

/// `coldStart`: this process runs one run of a cold-start campaign (`--only KEY --cold-start`), which its record says.
let private withRunnerOf (coldStart: bool) (body: ExperimentRunner -> int) =
    let services = if coldStart then Composition.coldStartServices else Composition.services
    use runner = new ExperimentRunner(services Console.Error Interruption.token)
    body runner

let private withRunner (body: ExperimentRunner -> int) = withRunnerOf false body

/// The line saying how far the runs got, and 130 (SIGINT) or 143 (SIGTERM).
let private stopped () = Interruption.finish ()

/// What `run` statements (or an original YAML config's one experiment) ask for, in script order.
let runRequests (path: string) (program: CheckedProgram) : Lem.Dsl.Runtime.RunRequest list =
    if program.Actions.IsEmpty && Api.isYaml path then
        match program.ExperimentOrder with
        | [ name ] -> Api.runRequest registry program name |> Option.toList
        | _ -> []
    else
        program.Actions |> List.choose (function
            | RunAction(name, _, _) -> Api.runRequest registry program name
            | _ -> None)

/// Runs BODY with a host whose results folders are all locked first (`lem run` of a whole script or config), so that
/// a second lem run on one of them is refused before anything runs.
let private withHost (options: ScriptHost.HostOptions) (program: CheckedProgram) (body: Lem.Dsl.Runtime.RunHost -> int) =
    let requests = runRequests options.ScriptPath program
    use held = new ScriptHost.HeldFolders()
    if not options.DryRun then held.Hold(requests |> List.collect (ScriptHost.plannedRuns options) |> ScriptHost.resultsFolders)
    withRunner (fun runner ->
        let host = ScriptHost.create options held (requests |> List.sumBy (fun r -> r.Runs.Length)) runner (resultsDirOf program)
        let code = body host
        if Interruption.requested () then stopped () else code)

let private runProgram (options: ScriptHost.HostOptions) (program: CheckedProgram) =
    withHost options program (fun host ->
        let failures = Api.run registry host program
        if not (Interruption.requested ()) then
            for line in Api.render failures do eprintfn "%s" line
        if failures.IsEmpty then 0 else 1)

/// Runs the one experiment that PATH defines (a .lem file's only experiment, or an original YAML config).
let private runSingle (path: string) (program: CheckedProgram) (options: ScriptHost.HostOptions) =
    match program.ExperimentOrder with
    | [ name ] ->
        match Api.runRequest registry program name with
        | None -> fail (sprintf "%s: '%s' cannot be run." path name)
        | Some request ->
            withHost options program (fun host ->
                match host.RunExperiments request with
                | Ok() -> 0
                | Error _ when Interruption.requested () -> 0
                | Error message -> fail message)
    | [] -> fail (sprintf "%s defines no experiment. Remedy: add `experiment NAME { ... }` (or give a YAML config)." path)
    | many ->
        fail (sprintf "%s defines %d experiments (%s); lem experiment runs one. Remedy: use lem run with a `run NAME` statement." path many.Length (String.Join(", ", many)))

/// The planned runs of the script's `run` statements (or its YAML config's experiment), by key, in run order; a key
/// planned by several statements comes once, with the first.
let private plannedByKey (options: ScriptHost.HostOptions) (program: CheckedProgram) =
    runRequests options.ScriptPath program
    |> List.collect (fun request ->
        List.zip request.Runs (ScriptHost.plannedRuns options request)
        |> List.map (fun (run, plannedRun) -> plannedRun.Key, { request with Runs = [ run ] }))
    |> List.distinctBy fst

/// `lem run FILE --keys`: one planned run's key per line, what --only takes (line i for task i of a job array).
let private printKeys (options: ScriptHost.HostOptions) (program: CheckedProgram) =
    for key, _ in plannedByKey options program do printfn "%s" key
    0

/// `lem run FILE --only KEY`: the one planned run KEY (first found in script order), under its claim and without the
/// results folder's lock, so that tasks of a scheduler run a campaign's runs in parallel into one folder.
let private runOnly (options: ScriptHost.HostOptions) (program: CheckedProgram) (key: string) =
    let planned = plannedByKey options program
    match planned |> List.tryFind (fun (k, _) -> k = key) with
    | Some(_, single) ->
        use held = new ScriptHost.HeldFolders()
        withRunnerOf options.ColdStart (fun runner ->
            let host = ScriptHost.create options held 1 runner (resultsDirOf program)
            match host.RunExperiments single with
            | Ok() -> 0
            | Error _ when Interruption.requested () -> stopped ()
            | Error message -> fail message)
    | None ->
        let keys = planned |> List.map fst
        let close = Lem.Engine.Config.NameSuggester.Ranked(key, keys, 5) |> List.ofSeq
        let hint =
            if not close.IsEmpty then sprintf "did you mean %s?" (String.Join(", ", close |> List.map (sprintf "'%s'")))
            elif keys.IsEmpty then "it plans no run"
            else sprintf "its %d planned run(s) begin %s" keys.Length (String.Join(", ", keys |> List.truncate 5 |> List.map (sprintf "'%s'")))
        fail (sprintf "--only %s: %s has no planned run with that key; %s Remedy: give a key as `lem run %s --keys` lists it." key options.ScriptPath hint options.ScriptPath)

/// `lem run`: the checker with pre-flight before the first run (a GPU this machine lacks is an error, except in a dry
/// run or a listing of keys), then the statements, one planned run (--only), or the keys (--keys).
let runCommand (args: ParseResults<RunArgs>) =
    if args.Contains RunArgs.Lem_Command then
        fail "--lem-command says how SLURM's tasks start lem; it goes with --on slurm. Remedy: add --on slurm, or leave it out."
    let path = args.GetResult RunArgs.Script
    let only = args.TryGetResult RunArgs.Only
    let options: ScriptHost.HostOptions =
        { ScriptPath = path; DryRun = args.Contains RunArgs.Dry_Run; Fresh = args.Contains RunArgs.Fresh
          ResultsOverride = args.TryGetResult RunArgs.Results; Only = only.IsSome
          Overrides = args.GetResults RunArgs.Override; MaxRuns = args.TryGetResult RunArgs.Max_Runs; ColdStart = args.Contains RunArgs.Cold_Start }
    let runsNothing = options.DryRun || args.Contains RunArgs.Keys
    let settings =
        { Overrides = args.GetResults RunArgs.Override
          MaxRuns = maxRuns (args.TryGetResult RunArgs.Max_Runs)
          Preflight = Some(PreflightHost.create path (not runsNothing) options.ResultsOverride) }: Api.CheckSettings
    let program, hasErrors = check settings path
    if hasErrors then 1
    elif args.Contains RunArgs.Keys then printKeys options program
    elif only.IsSome then runOnly options program only.Value
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
    else runSingle path program { ScriptHost.defaultOptions path with Fresh = true; ResultsOverride = results }

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
    // the results folders the session's runs write to are locked as they are first used, until the session ends
    use held = new ScriptHost.HeldFolders()
    withRunner (fun runner ->
        let mutable session = Api.replStart registry
        let submit (chunk: string) =
            let outcome = Api.replSubmit session chunk
            for line in Api.render outcome.Diagnostics do eprintfn "%s" line
            session <- outcome.Session
            if not outcome.Actions.IsEmpty then
                let program = outcome.Session.Program
                let host =
                    ScriptHost.create (ScriptHost.defaultOptions (Path.Combine(Environment.CurrentDirectory, "repl.lem")))
                        held 0 runner (resultsDirOf program)
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
