// Build script: `dotnet fsi build.fsx <target>`, targets: build, test, publish, device-pack, clean.
// Plain F#, no build framework: each target is a function that runs dotnet commands and stops at the first failure.

open System
open System.Diagnostics
open System.IO
open System.Xml.Linq

let root = __SOURCE_DIRECTORY__
let artifacts = Path.Combine(root, "artifacts")
let testResults = Path.Combine(artifacts, "test-results")

let xunitProjects = [ "tests/Lem.Engine.Tests"; "tests/Lem.Models.Tests"; "tests/Lem.Backends.TorchSharp.Tests"; "tests/Lem.Backends.OrtGenAi.Tests" ]
let expectoProjects = [ "tests/Lem.Dsl.Tests"; "tests/Lem.Analysis.Tests"; "tests/Lem.Cli.Tests" ]

/// Runs a program in the repository root, streaming its output; returns the exit code.
let run (program: string) (args: string) =
    printfn "> %s %s" program args
    let info = ProcessStartInfo(program, args, WorkingDirectory = root, UseShellExecute = false)
    use p = Process.Start info
    p.WaitForExit()
    p.ExitCode

let runOrFail program args =
    let code = run program args
    if code <> 0 then
        eprintfn "build.fsx: '%s %s' failed with exit code %d" program args code
        exit code

let build () = runOrFail "dotnet" "build LLenergyMeasure.sln -c Debug --nologo"

type Counts = { Passed: int; Failed: int; Skipped: int }
let zero = { Passed = 0; Failed = 0; Skipped = 0 }
let add a b = { Passed = a.Passed + b.Passed; Failed = a.Failed + b.Failed; Skipped = a.Skipped + b.Skipped }

let attrInt (e: XElement) (name: string) =
    match e.Attribute(XName.Get name) with
    | null -> 0
    | a -> int a.Value

/// Counts from a Visual Studio TRX file (what `dotnet test --logger trx` writes).
let trxCounts (file: string) =
    let doc = XDocument.Load file
    let counters = doc.Descendants() |> Seq.find (fun e -> e.Name.LocalName = "Counters")
    // xunit's skipped tests appear as total − executed (notExecuted stays 0)
    let skipped = max (attrInt counters "notExecuted") (attrInt counters "total" - attrInt counters "executed")
    { Passed = attrInt counters "passed"; Failed = attrInt counters "failed" + attrInt counters "error"; Skipped = skipped }

/// Counts from a JUnit summary (what Expecto's --junit-summary writes).
let junitCounts (file: string) =
    let doc = XDocument.Load file
    let cases = doc.Descendants() |> Seq.filter (fun e -> e.Name.LocalName = "testcase") |> Seq.toList
    let has name (c: XElement) = c.Elements() |> Seq.exists (fun e -> e.Name.LocalName = name)
    let failed = cases |> List.filter (fun c -> has "failure" c || has "error" c) |> List.length
    let skipped = cases |> List.filter (has "skipped") |> List.length
    { Passed = cases.Length - failed - skipped; Failed = failed; Skipped = skipped }

let test () =
    build ()
    if Directory.Exists testResults then Directory.Delete(testResults, true)
    Directory.CreateDirectory testResults |> ignore
    let mutable total = zero
    let mutable brokenRunners = []
    for project in xunitProjects do
        let name = Path.GetFileName project
        let code = run "dotnet" $"test {project} --no-build --nologo --logger \"trx;LogFileName={name}.trx\" --logger \"console;verbosity=normal\" --results-directory \"{testResults}\""
        let trx = Path.Combine(testResults, name + ".trx")
        if File.Exists trx then total <- add total (trxCounts trx)
        if code <> 0 && not (File.Exists trx) then brokenRunners <- name :: brokenRunners
    for project in expectoProjects do
        let name = Path.GetFileName project
        let summary = Path.Combine(testResults, name + ".junit.xml")
        let code = run "dotnet" $"run --project {project} --no-build -- --summary --junit-summary \"{summary}\""
        if File.Exists summary then total <- add total (junitCounts summary)
        if code <> 0 && not (File.Exists summary) then brokenRunners <- name :: brokenRunners
    for name in brokenRunners do eprintfn "build.fsx: the test runner of %s failed before it reported results" name
    printfn "%d passed, %d failed, %d skipped" total.Passed total.Failed total.Skipped
    if total.Failed > 0 || not brokenRunners.IsEmpty || total.Passed = 0 then exit 1

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

let clean () =
    for dir in [ artifacts; Path.Combine(root, ".device") ] do
        if Directory.Exists dir then Directory.Delete(dir, true)
    runOrFail "dotnet" "clean LLenergyMeasure.sln --nologo -v q"

let targets = dict [ "build", build; "test", test; "publish", publish; "device-pack", devicePack; "clean", clean ]

match fsi.CommandLineArgs |> Array.tail |> Array.toList with
| [ target ] when targets.ContainsKey target -> targets[target] ()
| _ ->
    eprintfn "usage: dotnet fsi build.fsx <%s>" (String.Join("|", targets.Keys))
    exit 2
