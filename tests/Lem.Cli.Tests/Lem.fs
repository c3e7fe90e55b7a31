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

/// How lem is started: dotnet lem.dll ARGS in WORKDIR, with the shared cache, output redirected.
let private startInfo (workDir: string) (args: string list) =
    tinyModel.Force() |> ignore
    let info = ProcessStartInfo(dotnetHost, WorkingDirectory = workDir, UseShellExecute = false)
    info.ArgumentList.Add lemDll
    for a in args do info.ArgumentList.Add a
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.Environment["LEM_CACHE_DIR"] <- cacheDir
    info.Environment.Remove "LEM_DEBUG" |> ignore
    info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
    info

/// Runs lem as INFO says with STDIN (may be null); kills it after timeout.
let private runInfo (info: ProcessStartInfo) (stdin: string) (timeout: TimeSpan) (args: string list) : Outcome =
    info.RedirectStandardInput <- true
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

/// Runs `lem ARGS` in WORKDIR with STDIN (may be null); kills it after timeout.
let runWith (workDir: string) (stdin: string) (timeout: TimeSpan) (args: string list) : Outcome =
    runInfo (startInfo workDir args) stdin timeout args

/// Runs `lem ARGS` in WORKDIR with these environment variables set (PATH among them), no input, 3 minute limit.
let runEnv (workDir: string) (env: (string * string) list) (args: string list) : Outcome =
    let info = startInfo workDir args
    for name, value in env do info.Environment[name] <- value
    runInfo info null (TimeSpan.FromMinutes 3.0) args

/// A `lem` started in the background: its process and what it has printed so far.
type Running =
    { Process: Process
      Stdout: Text.StringBuilder
      Stderr: Text.StringBuilder }
    member r.Pid = r.Process.Id
    member r.StderrText = lock r.Stderr (fun () -> r.Stderr.ToString())

/// Starts `lem ARGS` in WORKDIR in the background (stdout and stderr collected as they come).
let start (workDir: string) (args: string list) : Running =
    let info = startInfo workDir args
    let p = new Process(StartInfo = info)
    let out = Text.StringBuilder()
    let err = Text.StringBuilder()
    p.OutputDataReceived.Add(fun e -> if not (isNull e.Data) then lock out (fun () -> out.AppendLine e.Data |> ignore))
    p.ErrorDataReceived.Add(fun e -> if not (isNull e.Data) then lock err (fun () -> err.AppendLine e.Data |> ignore))
    p.Start() |> ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    { Process = p; Stdout = out; Stderr = err }

/// Waits for lem to end (killing it after the guard time) and returns what it printed.
let finish (r: Running) (guard: TimeSpan) : Outcome =
    if not (r.Process.WaitForExit(int guard.TotalMilliseconds)) then
        r.Process.Kill true
        failwithf "lem did not end within %O; stderr:\n%s" guard r.StderrText
    r.Process.WaitForExit() // drains the output events
    { ExitCode = r.Process.ExitCode; Stdout = lock r.Stdout (fun () -> r.Stdout.ToString()); Stderr = r.StderrText }

/// Polls CONDITION every 50 ms until it holds; fails after the guard time (a deadlock guard, not a timing guess), showing lem's stderr.
let waitUntil (what: string) (r: Running) (condition: unit -> bool) =
    let deadline = DateTime.UtcNow.AddMinutes 3.0
    while not (condition ()) do
        if r.Process.HasExited then failwithf "lem ended (exit %d) before %s; stderr:\n%s" r.Process.ExitCode what r.StderrText
        if DateTime.UtcNow > deadline then failwithf "no %s within 3 minutes; stderr:\n%s" what r.StderrText
        Threading.Thread.Sleep 50

module private Native =
    [<Runtime.InteropServices.DllImport("libc", SetLastError = true)>]
    extern int kill(int pid, int signal)

let SIGINT, SIGKILL, SIGTERM = 2, 9, 15

/// Whether this process ignores SIGNAL (the SigIgn mask of /proc/self/status), as lem started from it then does:
/// a background job of a shell without job control (`cmd &` in a script) starts with SIGINT ignored.
let ignores (number: int) =
    File.ReadLines "/proc/self/status"
    |> Seq.tryFind (fun l -> l.StartsWith "SigIgn:")
    |> Option.exists (fun l -> (Convert.ToUInt64(l.Substring(7).Trim(), 16) >>> (number - 1)) &&& 1UL = 1UL)

/// Sends a signal to lem (Ctrl-C is SIGINT; a scheduler's stop is SIGTERM).
let signal (r: Running) (number: int) =
    if ignores number then
        failwithf "the tests run with signal %d ignored, so lem inherits that and cannot be stopped by it: run the test command in the foreground (a background job of a script ignores SIGINT; `set -m` first, or start it from an interactive shell)" number
    if Native.kill (r.Pid, number) <> 0 then failwithf "kill(%d, %d) failed" r.Pid number

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

/// Two fast CPU experiments of the tiny model: `a`, and `b` (batch size 2).
let tinyPair = """experiment a {
  model = synthetic("tiny")
  device = "cpu"
  max_new_tokens = 2
  min_new_tokens = 2
  prompts = synthetic(count = 2, input_tokens = 8)
  warmup.count = 0
}
experiment b extends a {
  batching.batch_size = 2
}
"""

/// `tinyPair` in campaign `c` of two cycles, run: a#cycle1, b#cycle1, a#cycle2, b#cycle2; GAP is a line such as
/// "  gap = 10m\n" (a long gap holds lem where a signal can find it), or "".
let tinyCampaign (gap: string) =
    tinyPair + $"campaign c {{\n  experiments = [a, b]\n  cycles = 2\n{gap}}}\nrun c\n"

/// The run folders (those with a run id) under a results folder.
let runFolders (resultsDir: string) =
    if Directory.Exists resultsDir then
        Directory.GetDirectories resultsDir |> Array.filter (fun d -> Lem.Engine.Results.Store.RunIds.LooksLikeRunId(Path.GetFileName d)) |> Array.sort
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
