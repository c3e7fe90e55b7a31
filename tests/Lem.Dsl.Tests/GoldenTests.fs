module Lem.Dsl.Tests.GoldenTests

open System
open System.IO
open Expecto
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Checker
open Lem.Dsl.Plan
open Lem.Dsl.Tests.Helpers

let private goldenDir = Path.Combine(repoRoot, "tests", "Lem.Dsl.Tests", "golden")

/// Set LEM_UPDATE_GOLDEN=1 to rewrite the expected files (then review the diff).
let tests =
    testList "golden plans" [
        for script in Directory.GetFiles(goldenDir, "*.lem") |> Array.sort do
            let expectedPath = Path.ChangeExtension(script, ".plan.json")
            if File.Exists expectedPath || Environment.GetEnvironmentVariable "LEM_UPDATE_GOLDEN" = "1" then
                testCase (Path.GetFileName script) <| fun () ->
                    let options = { defaultOptions registry with Files = Imports.diskFiles goldenDir }
                    let program = checkFile options script
                    Expect.isFalse program.HasErrors (dump program)
                    let actual = PlanOutput.planJson options.Registry program
                    if Environment.GetEnvironmentVariable "LEM_UPDATE_GOLDEN" = "1" then File.WriteAllText(expectedPath, actual)
                    Expect.equal actual (File.ReadAllText expectedPath) "plan JSON"
    ]

/// Every shipped example and config checks without errors (from the repository root, as users run them).
let examples =
    testList "examples and configs" [
        for dir in [ "examples"; "configs" ] do
            let full = Path.Combine(repoRoot, dir)
            if Directory.Exists full then
                for file in Directory.GetFiles(full) |> Array.filter (fun f -> f.EndsWith ".lem" || f.EndsWith ".yaml") |> Array.sort do
                    testCase (dir + "/" + Path.GetFileName file) <| fun () ->
                        let options = { defaultOptions registry with Files = Imports.diskFiles repoRoot }
                        let program =
                            if file.EndsWith ".yaml" then Lem.Dsl.Yaml.YamlLoader.check options file else checkFile options file
                        Expect.isFalse program.HasErrors (dump program)
                        Expect.isNonEmpty program.ExperimentOrder "defines experiments"
                        let first = File.ReadLines file |> Seq.head
                        Expect.stringStarts first "# " "starts with a comment saying what it shows"
    ]
