/// Runs the built `lem` (dotnet lem.dll) as a child process in a temp working folder, with LEM_CACHE_DIR pointing at
/// one cache shared by the whole test run (the tiny synthetic model is generated into it once).
module Lem.Cli.Tests.Lem

open System
open System.Diagnostics
open System.IO
open Lem.Models.Synthetic

type Outcome =
    { ExitCode: int
      Stdout: string
      Stderr: string }
    member o.All = o.Stdout + o.Stderr

/// The repository root: the first folder above the test assembly holding LLenergyMeasure.sln.
let repoRoot =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then failwithf "no LLenergyMeasure.sln above %s" AppContext.BaseDirectory
        elif File.Exists(Path.Combine(dir.FullName, "LLenergyMeasure.sln")) then dir.FullName
        else up dir.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// lem.dll as built by `dotnet build`: $LEM_DLL, else dsl/Lem.Cli/bin/CONFIG/TFM/lem.dll for the configuration and
/// target framework this test assembly was built with (its folder is tests/Lem.Cli.Tests/bin/CONFIG/TFM/).
let lemDll =
    match Environment.GetEnvironmentVariable "LEM_DLL" with
    | null | "" ->
        let tfmDir = DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))
        let path = Path.Combine(repoRoot, "dsl", "Lem.Cli", "bin", tfmDir.Parent.Name, tfmDir.Name, "lem.dll")
        if not (File.Exists path) then failwithf "%s not found: run dotnet build tests/Lem.Cli.Tests first" path
        path
    | path -> path

let private dotnetHost =
    match Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" with
    | null | "" -> "dotnet"
    | path -> path

/// The temp folder of this test run, deleted when the test process exits unless LEM_KEEP_TEST_DIR=1 (on exit, so that
/// `dotnet run` and `dotnet test`, whose test host never calls Main, both clean up).
let testRoot =
    let dir = Path.Combine(Path.GetTempPath(), $"lem-cli-tests-{Environment.ProcessId}")
    Directory.CreateDirectory dir |> ignore
    AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
        if Environment.GetEnvironmentVariable "LEM_KEEP_TEST_DIR" = "1" then eprintfn "test folders kept in %s" dir
        else
            try Directory.Delete(dir, true)
            with e -> eprintfn "could not delete %s: %s" dir e.Message)
    dir

/// The cache shared by every test of this run.
let cacheDir = Path.Combine(testRoot, "cache")

/// The tiny synthetic model's folder in the shared cache, generated on first use (as `lem` would).
let tinyModel = lazy (SyntheticModelCache(Path.Combine(cacheDir, "models")).Resolve("tiny", 0L))

/// A new empty working folder for one test.
let workDir (name: string) =
    let dir = Path.Combine(testRoot, name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8))
    Directory.CreateDirectory dir |> ignore
    dir

/// Runs `lem ARGS` in WORKDIR with STDIN (may be null); kills it after timeout.
let runWith (workDir: string) (stdin: string) (timeout: TimeSpan) (args: string list) : Outcome =
    tinyModel.Force() |> ignore
    let info = ProcessStartInfo(dotnetHost, WorkingDirectory = workDir, UseShellExecute = false)
    info.ArgumentList.Add lemDll
    for a in args do info.ArgumentList.Add a
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.RedirectStandardInput <- true
    info.Environment["LEM_CACHE_DIR"] <- cacheDir
    info.Environment.Remove "LEM_DEBUG" |> ignore
    info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
    use p = Process.Start info
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (isNull stdin) then p.StandardInput.Write stdin
    p.StandardInput.Close()
    if not (p.WaitForExit(int timeout.TotalMilliseconds)) then
        p.Kill true
        failwithf "lem %s did not finish in %O (stdout: %s, stderr: %s)" (String.Join(" ", args)) timeout out.Result err.Result
    p.WaitForExit()
    { ExitCode = p.ExitCode; Stdout = out.Result; Stderr = err.Result }

/// Runs `lem ARGS` in WORKDIR (no input, 3 minute limit).
let run (workDir: string) (args: string list) = runWith workDir null (TimeSpan.FromMinutes 3.0) args

/// Writes FILE (relative to DIR) and returns its full path.
let write (dir: string) (file: string) (text: string) =
    let path = Path.Combine(dir, file)
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    File.WriteAllText(path, text)
    path

/// A fast CPU experiment of the tiny synthetic model: 2 prompts of 8 tokens, 4 new tokens, no warm-up.
let tinyExperiment (name: string) (extra: string) =
    $"""experiment {name} {{
  model = synthetic("tiny")
  device = "cpu"
  max_new_tokens = 4
  min_new_tokens = 4
  prompts = synthetic(count = 2, input_tokens = 8)
  warmup.count = 0
  {extra}
}}
"""

/// The run folders (those with a run id) under a results folder.
let runFolders (resultsDir: string) =
    if Directory.Exists resultsDir then
        Directory.GetDirectories resultsDir |> Array.filter (fun d -> Path.GetFileName d <> "manifests") |> Array.sort
    else [||]

/// True where the kernel exposes RAPL zones (then CPU/RAM energy may be measured rather than estimated).
let hasRapl =
    Directory.Exists "/sys/class/powercap"
    && Directory.GetDirectories "/sys/class/powercap" |> Array.exists (fun d -> (Path.GetFileName d).StartsWith "intel-rapl")

let isDone (runFolder: string) = File.Exists(Path.Combine(runFolder, "DONE"))

/// No .NET stack trace and no internal error in what lem printed.
let expectNoStackTrace (o: Outcome) =
    let stackLine = Text.RegularExpressions.Regex(@"^\s+at \S+.*\)( in .*)?$", Text.RegularExpressions.RegexOptions.Multiline)
    if stackLine.IsMatch o.All || o.All.Contains "internal error" || o.All.Contains "--- End of" then
        failwithf "lem printed a stack trace or an internal error:\n%s" o.All

/// The lines of stderr that report an error.
let errorLines (o: Outcome) =
    o.Stderr.Split('\n') |> Array.map (fun l -> l.TrimEnd()) |> Array.filter (fun l -> l.Contains "error") |> List.ofArray

/// Exit 0, or fail showing what lem printed.
let expectOk (o: Outcome) =
    if o.ExitCode <> 0 then failwithf "lem exited %d:\nstdout:\n%s\nstderr:\n%s" o.ExitCode o.Stdout o.Stderr

/// Every file under a folder with its bytes (to prove that nothing already written changed).
let snapshot (folder: string) =
    Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
    |> Array.sort
    |> Array.map (fun f -> Path.GetRelativePath(folder, f), File.ReadAllBytes f)

/// Copies a folder tree.
let rec copyDir (source: string) (target: string) =
    Directory.CreateDirectory target |> ignore
    for f in Directory.GetFiles source do File.Copy(f, Path.Combine(target, Path.GetFileName f))
    for d in Directory.GetDirectories source do copyDir d (Path.Combine(target, Path.GetFileName d))
