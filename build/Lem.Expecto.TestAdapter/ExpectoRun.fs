/// Runs some test cases of a suite with Expecto's own evaluation (parallel where Expecto runs in parallel, sequenced
/// lists in sequence) and records each result as Expecto's printer reports it.
module Lem.Expecto.TestAdapter.ExpectoRun

open System
open System.Threading
open Expecto
open Expecto.Impl
// after Expecto, so that TestCase is VSTest's test case, not Expecto's union case
open Microsoft.VisualStudio.TestPlatform.ObjectModel
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter

/// For a test case that VSTest asked for and Expecto never reported (a name from an older build, say).
let noResult = "Expecto reported no result for this test: is it still in the suite under this name? Rebuild, and list the tests with `dotnet test --list-tests`"

let testCases (suite: ExpectoSuite.Loaded) =
    suite.Tests
    |> List.map (fun t ->
        let name = ExpectoSuite.fullName t
        TestCase(name, Uri ExpectoSuite.ExecutorUri, suite.Source, DisplayName = name))

let run (cancel: CancellationToken) (recorder: ITestExecutionRecorder) (suite: ExpectoSuite.Loaded) (cases: TestCase list) =
    if not cases.IsEmpty then
        let results = ResultRecorder.Recorder(recorder, cases)
        let joinWith = ExpectoSuite.config.joinWith.asString
        let selected = cases |> List.map (fun c -> c.FullyQualifiedName) |> set
        let tree = suite.Tree |> Test.filter joinWith (fun path -> selected.Contains(String.concat joinWith path))
        let config = { ExpectoSuite.config with printer = results.Printer; noSpinner = true }
        runEvalWithCancel cancel config tree |> Async.RunSynchronously |> ignore
        results.RecordUnreported noResult
