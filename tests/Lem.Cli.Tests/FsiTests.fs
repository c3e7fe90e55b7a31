/// examples/fsi-explore.fsx under `dotnet fsi`: loads scripts/lem.fsx (the built assemblies), runs the quickstart and
/// a snippet, loads the results as a frame and prints a summary.
module Lem.Cli.Tests.FsiTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Lem.Cli.Tests.Lem

let private dotnet =
    match Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" with
    | null | "" -> "dotnet"
    | path -> path

let tests =
    testList "fsi" [
        testCase "dotnet fsi examples/fsi-explore.fsx" <| fun () ->
            tinyModel.Force() |> ignore
            let dir = workDir "fsi"
            let info = ProcessStartInfo(dotnet, WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
            for a in [ "fsi"; "--quiet"; Path.Combine(repoRoot, "examples", "fsi-explore.fsx") ] do info.ArgumentList.Add a
            info.Environment["LEM_CACHE_DIR"] <- cacheDir
            use p = Process.Start info
            let out = p.StandardOutput.ReadToEndAsync()
            let err = p.StandardError.ReadToEndAsync()
            if not (p.WaitForExit(int (TimeSpan.FromMinutes 4.0).TotalMilliseconds)) then
                p.Kill true
                failwithf "dotnet fsi did not finish: %s %s" out.Result err.Result
            p.WaitForExit()
            let stdout, stderr = out.Result, err.Result
            Expect.equal p.ExitCode 0 $"exit 0\nstdout:\n{stdout}\nstderr:\n{stderr}"
            Expect.stringContains stdout "check: ok" "Lem.check"
            Expect.stringContains stdout "plan: 1 experiment(s), " "Lem.planJson"
            Expect.stringContains stdout "quickstart#cycle1 ->" "Lem.run ran the quickstart"
            Expect.stringContains stdout "snippet#cycle1 ->" "Lem.eval ran the snippet"
            Expect.stringContains stdout "frame: 2 runs" "Lem.results loaded a frame"
            Expect.stringContains stdout "energy_per_output_token_j" "Lem.summary printed a summary"
            Expect.all (runFolders (Path.Combine(dir, "results"))) isDone "the quickstart completed"
    ]
