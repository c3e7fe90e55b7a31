// Build script: `dotnet fsi build.fsx <target>`, targets: build, setup, test, publish, device-pack, docs, clean.
// Plain F#, no build framework: each target is a function that runs commands and stops at the first failure.

open System
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open System.Xml.Linq

let root = __SOURCE_DIRECTORY__
let artifacts = Path.Combine(root, "artifacts")
let testResults = Path.Combine(artifacts, "test-results")
let solution = "LLenergyMeasure.sln"

/// Runs a program in the repository root, streaming its output; returns the exit code.
let runWith (env: (string * string) list) (program: string) (args: string) =
    printfn "> %s %s" program args
    let info = ProcessStartInfo(program, args, WorkingDirectory = root, UseShellExecute = false)
    for name, value in env do info.Environment[name] <- value
    use p = Process.Start info
    p.WaitForExit()
    p.ExitCode

let run program args = runWith [] program args

/// True when the program exists and exits with 0; its output is hidden (for set-up steps' IsDone checks).
let succeeds (program: string) (args: string) =
    try
        let info = ProcessStartInfo(program, args, WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
        use p = Process.Start info
        let stderr = p.StandardError.ReadToEndAsync()
        p.StandardOutput.ReadToEnd() |> ignore
        stderr.Wait()
        p.WaitForExit()
        p.ExitCode = 0
    with :? ComponentModel.Win32Exception -> false

let fail (message: string) =
    eprintfn "build.fsx: %s" message
    exit 1

let runOrFail program args =
    let code = run program args
    if code <> 0 then
        eprintfn "build.fsx: '%s %s' failed with exit code %d" program args code
        exit code

// ---------------------------------------------------------------------------------------------------------------
// Test projects. Every project under tests/ is in exactly one of these two lists, and every test project is in the
// solution, so that `dotnet test LLenergyMeasure.sln` runs the same tests as `dotnet fsi build.fsx test`; `test`
// stops, naming the project, when one is not. Adding a suite: one line here, and `dotnet sln add tests/NAME`.

/// Suites, each run with `dotnet test` (xunit through xunit.runner.visualstudio, Expecto through
/// build/Lem.Expecto.TestAdapter; see docs/testing.md).
let testProjects =
    [ "tests/Lem.Engine.Tests"
      "tests/Lem.Models.Tests"
      "tests/Lem.Backends.TorchSharp.Tests"
      "tests/Lem.Backends.Server.Tests"
      "tests/Lem.Backends.LlamaCpp.Tests"
      "tests/Lem.Backends.OrtGenAi.Tests"
      "tests/Lem.Dsl.Tests"
      "tests/Lem.Analysis.Tests"
      "tests/Lem.Cli.Tests"
      "tests/Lem.Expecto.TestAdapter.Tests" ]

/// Projects under tests/ that hold no tests of their own (a test server, shared fakes): built, never run as suites.
let testHelperProjects = [ "tests/Lem.Backends.Server.TestServer"; "tests/Lem.Backends.LlamaCpp.Bench"; "tests/Lem.Backends.OrtGenAi.Bench" ]

// ---------------------------------------------------------------------------------------------------------------
// Set-up: what the tests need beyond the .NET SDK. `test` runs every step first. A step whose need is met does
// nothing; otherwise, as root, build.fsx runs its command, and as any other user it stops at once and prints the
// command to run as root. Append a step for each new need (a service the tests talk to, a system package).

type SetupStep =
    { /// What it provides, and to which tests.
      Purpose: string
      /// True when there is nothing to do.
      IsDone: unit -> bool
      /// A shell command, run as root, after which IsDone must hold.
      Command: string }

let onPath (names: string list) =
    let dirs = (Environment.GetEnvironmentVariable "PATH" |> Option.ofObj |> Option.defaultValue "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
    names |> List.exists (fun name -> dirs |> Array.exists (fun dir -> File.Exists(Path.Combine(dir, name))))

/// A Debian package that provides one of these programs.
let aptPackage (package: string) (programs: string list) (purpose: string) =
    { Purpose = purpose
      IsDone = fun () -> onPath programs
      Command = $"apt-get update -qq && apt-get install -y -qq {package}" }

/// A Debian package that provides a shared library (found by the dynamic linker's cache).
let aptLibrary (package: string) (soname: string) (purpose: string) =
    { Purpose = purpose
      IsDone = fun () -> succeeds "sh" $"-c \"ldconfig -p | grep -qF {soname}\""
      Command = $"apt-get update -qq && apt-get install -y -qq {package}" }

/// A single-node SLURM cluster (Debian's slurmctld, slurmd and munge, started without systemd): the script installs
/// what is missing, writes /etc/slurm/slurm.conf for this host and starts what is not running; its `check` is fast.
let slurmCluster =
    let script = Path.Combine(root, "scripts", "slurm-single-node.sh")
    { Purpose = "a single-node SLURM cluster, partition debug (tests/Lem.Cli.Tests submit a campaign with lem run --on slurm)"
      IsDone = fun () -> succeeds "sh" $"\"{script}\" check"
      Command = $"sh '{script}' start" }

let setupSteps =
    [ // the names tests/Lem.Analysis.Tests/Browser.fs looks for
      aptPackage "chromium" [ "chromium"; "chromium-browser"; "google-chrome"; "google-chrome-stable" ]
          "headless Chromium (tests/Lem.Analysis.Tests open the HTML report and its charts in a real browser)"
      // LLamaSharp.Backend.Cpu's Linux natives are built with OpenMP; a fresh Debian 12 has no libgomp.so.1
      aptLibrary "libgomp1" "libgomp.so.1" "GCC's OpenMP runtime libgomp.so.1 (the llama.cpp backend's bundled natives link against it: tests/Lem.Backends.LlamaCpp.Tests, the quantization example)"
      slurmCluster ]

module private Native =
    [<DllImport("libc")>]
    extern uint32 geteuid()

let isRoot () =
    try Native.geteuid () = 0u with _ -> false

let build () = runOrFail "dotnet" $"build {solution} -c Debug --nologo"

/// Runs the set-up steps (see setupSteps); stops before any test when one cannot be done here.
let setup () =
    for step in setupSteps do
        if not (step.IsDone()) then
            if not (isRoot ()) then
                fail $"set-up: missing {step.Purpose}. The test command installs it when run as root; as this user, run\n  sudo sh -c '{step.Command}'\nthen run the tests again."
            printfn "set-up: %s" step.Purpose
            let code = runWith [ ("DEBIAN_FRONTEND", "noninteractive") ] "sh" $"-c \"{step.Command}\""
            if code <> 0 then fail $"set-up for {step.Purpose} failed: '{step.Command}' exited with {code}"
            if not (step.IsDone()) then fail $"set-up for {step.Purpose}: '{step.Command}' ran, but it is still missing"

/// Projects a solution lists, as repository-relative folders ("tests/Lem.Engine.Tests").
let solutionProjects () =
    File.ReadAllLines(Path.Combine(root, solution))
    |> Array.choose (fun line ->
        let parts = line.Split('"')
        if line.StartsWith "Project(" && parts.Length > 5 && (parts[5].EndsWith ".csproj" || parts[5].EndsWith ".fsproj") then
            Some(Path.GetDirectoryName(parts[5].Replace('\\', '/')).Replace('\\', '/'))
        else None)
    |> set

let projectFile (folder: string) =
    Directory.GetFiles(Path.Combine(root, folder)) |> Array.tryFind (fun f -> f.EndsWith ".csproj" || f.EndsWith ".fsproj")

/// A project that `dotnet test` runs: it references the test SDK (and through it a test adapter).
let isTestProject (folder: string) =
    match projectFile folder with
    | Some file -> File.ReadAllText(file).Contains "Microsoft.NET.Test.Sdk"
    | None -> false

/// testProjects, testHelperProjects, tests/ and the solution agree (see testProjects); stops naming what does not.
let checkTestProjects () =
    let inSolution = solutionProjects ()
    let listed = set (testProjects @ testHelperProjects)
    let underTests =
        Directory.GetDirectories(Path.Combine(root, "tests"))
        |> Array.map (fun d -> "tests/" + Path.GetFileName d)
        |> Array.filter (fun d -> (projectFile d).IsSome)
    let problems =
        [ for d in underTests do
              if not (listed.Contains d) then
                  yield $"{d} is in neither testProjects nor testHelperProjects in build.fsx: add it to testProjects (a suite) or testHelperProjects (no tests of its own)"
          for d in testProjects do
              if (projectFile d).IsNone then yield $"{d} is in testProjects in build.fsx but has no project file: remove the line or restore the project"
              elif not (isTestProject d) then yield $"{d} does not reference Microsoft.NET.Test.Sdk, so dotnet test finds no tests in it: add it (and its test adapter; see docs/testing.md)"
              if not (inSolution.Contains d) then yield $"{d} is not in {solution}, so `dotnet test {solution}` would not run it: dotnet sln {solution} add {d}"
          for d in inSolution do
              if isTestProject d && not (List.contains d testProjects) then
                  yield $"{d} is a test project in {solution} but not in testProjects in build.fsx: add it there" ]
    if not problems.IsEmpty then
        for p in problems do eprintfn "build.fsx: %s" p
        exit 1

type Skip = { Suite: string; Test: string; Reason: string }
type Counts = { Passed: int; Failed: int; Skipped: Skip list }

/// Outcomes from a Visual Studio TRX file (what `dotnet test --logger trx` writes): NotExecuted is a skip, with its
/// reason in the result's message; anything but Passed and NotExecuted (Failed, Error, Timeout, Aborted…) fails.
let trxCounts (suite: string) (file: string) =
    let doc = XDocument.Load file
    let results = doc.Descendants() |> Seq.filter (fun e -> e.Name.LocalName = "UnitTestResult") |> Seq.toList
    let outcome (r: XElement) = match r.Attribute(XName.Get "outcome") with null -> "" | a -> a.Value
    let message (r: XElement) =
        r.Descendants() |> Seq.tryFind (fun e -> e.Name.LocalName = "Message") |> Option.map (fun e -> e.Value.Trim()) |> Option.defaultValue "(no reason given)"
    let skipped =
        results
        |> List.filter (fun r -> outcome r = "NotExecuted")
        |> List.map (fun r -> { Suite = suite; Test = r.Attribute(XName.Get "testName").Value; Reason = message r })
    let passed = results |> List.filter (fun r -> outcome r = "Passed") |> List.length
    { Passed = passed; Failed = results.Length - passed - skipped.Length; Skipped = skipped }

let test () =
    checkTestProjects ()
    setup ()
    build ()
    if Directory.Exists testResults then Directory.Delete(testResults, true)
    Directory.CreateDirectory testResults |> ignore
    let outcomes =
        [ for project in testProjects do
              let name = Path.GetFileName project
              let trx = Path.Combine(testResults, name + ".trx")
              let code = run "dotnet" $"test {project} --no-build --nologo --logger \"trx;LogFileName={name}.trx\" --results-directory \"{testResults}\""
              let counts = if File.Exists trx then Some(trxCounts name trx) else None
              let problem =
                  match counts with
                  | None -> Some $"the test runner of {name} failed before it reported results (exit code {code})"
                  | Some c when c.Passed + c.Failed + c.Skipped.Length = 0 -> Some $"{name} ran no test: is its test adapter referenced? (docs/testing.md)"
                  | Some c when code <> 0 && c.Failed = 0 -> Some $"dotnet test {project} exited with {code} although no test failed: see its output above"
                  | _ -> None
              yield name, counts, problem ]
    let counts = outcomes |> List.choose (fun (_, c, _) -> c)
    let total = { Passed = counts |> List.sumBy (fun c -> c.Passed); Failed = counts |> List.sumBy (fun c -> c.Failed); Skipped = counts |> List.collect (fun c -> c.Skipped) }
    printfn ""
    for name, c, problem in outcomes do
        match c with
        | Some c -> printfn "%s: %d passed, %d failed, %d skipped" name c.Passed c.Failed c.Skipped.Length
        | None -> ()
        problem |> Option.iter (eprintfn "build.fsx: %s")
    if not total.Skipped.IsEmpty then
        printfn "skipped, and why:"
        for s in total.Skipped do printfn "  %s: %s: %s" s.Suite s.Test s.Reason
    printfn "%d passed, %d failed, %d skipped" total.Passed total.Failed total.Skipped.Length
    if total.Failed > 0 || outcomes |> List.exists (fun (_, _, p) -> p.IsSome) then exit 1

/// A self-contained single-file `lem` for linux-x64 with the CPU libtorch beside it.
let publish () =
    let outDir = Path.Combine(artifacts, "publish", "linux-x64")
    runOrFail "dotnet" $"publish dsl/Lem.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -o \"{outDir}\""

/// The build that travels to the GPU machine: self-contained and compressed, WITHOUT the CPU libtorch natives
/// (TorchSharp then loads the CUDA libtorch of the machine's PyTorch from LD_LIBRARY_PATH; see README).
/// Output: .device/lem (an ignored folder that the device tool carries).
let devicePack () =
    let outDir = Path.Combine(root, ".device", "lem")
    if Directory.Exists outDir then Directory.Delete(outDir, true)
    runOrFail "dotnet" $"publish dsl/Lem.Cli -c Release -r linux-x64 --self-contained -p:LemCuda=true -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o \"{outDir}\""
    let bytes = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories) |> Array.sumBy (fun f -> FileInfo(f).Length)
    printfn "device pack: %s (%.1f MB)" outDir (float bytes / 1e6)

/// docs/parameters.md from the composed registry (`lem config params --markdown`); a CLI test keeps it current.
let docs () =
    runOrFail "dotnet" "build dsl/Lem.Cli --nologo -v q"
    // built first, so that build messages stay out of the generated file
    let info = ProcessStartInfo("dotnet", "run --project dsl/Lem.Cli --no-build -- config params --markdown", WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true)
    use p = Process.Start info
    let text = p.StandardOutput.ReadToEnd()
    p.WaitForExit()
    if p.ExitCode <> 0 then failwith "lem config params --markdown failed"
    File.WriteAllText(Path.Combine(root, "docs", "parameters.md"), text)
    printfn "wrote docs/parameters.md"

let clean () =
    for dir in [ artifacts; Path.Combine(root, ".device") ] do
        if Directory.Exists dir then Directory.Delete(dir, true)
    runOrFail "dotnet" "clean LLenergyMeasure.sln --nologo -v q"

let targets = dict [ "build", build; "setup", setup; "test", test; "publish", publish; "device-pack", devicePack; "docs", docs; "clean", clean ]

match fsi.CommandLineArgs |> Array.tail |> Array.toList with
| [ target ] when targets.ContainsKey target -> targets[target] ()
| _ ->
    eprintfn "usage: dotnet fsi build.fsx <%s>" (String.Join("|", targets.Keys))
    exit 2
