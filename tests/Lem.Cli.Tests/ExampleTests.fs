/// Every examples/*.lem runs on the CPU (copied with configs/ into a temp working folder, so that the figures and
/// exports they write stay out of the repository).
module Lem.Cli.Tests.ExampleTests

open System.Diagnostics
open System.IO
open Expecto
open Lem.Cli.Tests.Lem

let private examples = Path.Combine(repoRoot, "examples")

let private exampleTest (file: string) =
    let name = Path.GetFileName file
    testCase name <| fun () ->
        let dir = workDir ("example-" + Path.GetFileNameWithoutExtension file)
        copyDir examples (Path.Combine(dir, "examples"))
        copyDir (Path.Combine(repoRoot, "configs")) (Path.Combine(dir, "configs"))
        let stopwatch = Stopwatch.StartNew()
        let o = run dir [ "run"; Path.Combine("examples", name) ]
        expectOk o
        expectNoStackTrace o
        let folders = runFolders (Path.Combine(dir, "results"))
        Expect.isNonEmpty folders "runs written"
        Expect.all folders isDone "every run completed"
        eprintfn "example %s: %d runs in %.1f s" name folders.Length stopwatch.Elapsed.TotalSeconds

let tests =
    testSequenced
    <| testList "examples" [
        for file in Directory.GetFiles(examples, "*.lem") |> Array.sort -> exampleTest file
    ]
