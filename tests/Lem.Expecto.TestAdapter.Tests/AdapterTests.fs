module Lem.Expecto.TestAdapter.Tests.AdapterTests

open System.Threading
open Expecto
open Microsoft.VisualStudio.TestPlatform.ObjectModel
open Lem.Expecto.TestAdapter

let private sample =
    testList "sample" [
        testCase "passes" ignore
        testCase "fails" (fun () -> Expect.equal 1 2 "one is not two")
        testCase "throws" (fun () -> failwith "boom")
        testCase "skips" (fun () -> skiptest "needs a GPU")
        ptestCase "pending" ignore
        testSequenced (testList "in order" [ testCase "a" ignore; testCase "b" ignore ])
    ]

/// Runs the cases of a tree that the selection keeps, as `dotnet test` would.
let private runSome (keep: string -> bool) (tree: Test) =
    let suite = ExpectoSuite.ofTree "sample.dll" tree
    let recorder = FakeRecorder.Recorder()
    let cases = ExpectoRun.testCases suite |> List.filter (fun c -> keep c.FullyQualifiedName)
    ExpectoRun.run CancellationToken.None recorder suite cases
    recorder

let tests =
    testList "adapter" [
        testCase "test cases carry Expecto's full names and this adapter's executor" <| fun () ->
            let cases = ExpectoRun.testCases (ExpectoSuite.ofTree "sample.dll" sample)
            Expect.equal
                (cases |> List.map (fun c -> c.FullyQualifiedName))
                [ "sample.passes"; "sample.fails"; "sample.throws"; "sample.skips"; "sample.pending"; "sample.in order.a"; "sample.in order.b" ]
                "names"
            Expect.all cases (fun c -> c.ExecutorUri = System.Uri ExpectoSuite.ExecutorUri && c.Source = "sample.dll") "executor and source"

        testCase "every test is reported once, with Expecto's outcome and message" <| fun () ->
            let recorder = runSome (fun _ -> true) sample
            Expect.equal recorder.Count 7 "one result per test"
            let outcome name = fst recorder.Results[name]
            let message name = snd recorder.Results[name]
            Expect.equal (outcome "sample.passes") TestOutcome.Passed "passes"
            Expect.equal (outcome "sample.fails") TestOutcome.Failed "fails"
            Expect.stringContains (message "sample.fails") "one is not two" "the expectation's message"
            Expect.equal (outcome "sample.throws") TestOutcome.Failed "an exception fails the test"
            Expect.stringContains (message "sample.throws") "boom" "the exception's message"
            Expect.equal (outcome "sample.skips") TestOutcome.Skipped "skiptest"
            Expect.stringContains (message "sample.skips") "needs a GPU" "the skip reason"
            Expect.equal (outcome "sample.pending") TestOutcome.Skipped "ptestCase"
            Expect.equal (outcome "sample.in order.b") TestOutcome.Passed "sequenced lists run"

        testCase "only the selected tests run" <| fun () ->
            let recorder = runSome (fun name -> name = "sample.passes" || name = "sample.in order.b") sample
            Expect.equal (recorder.Results |> Map.keys |> Set.ofSeq) (set [ "sample.passes"; "sample.in order.b" ]) "results"
            Expect.equal recorder.Started (set [ "sample.passes"; "sample.in order.b" ]) "starts"

        testCase "a focused test leaves the others skipped, with Expecto's reason" <| fun () ->
            let recorder = runSome (fun _ -> true) (testList "f" [ ftestCase "focused" ignore; testCase "other" ignore ])
            Expect.equal (fst recorder.Results["f.focused"]) TestOutcome.Passed "the focused test runs"
            Expect.equal (fst recorder.Results["f.other"]) TestOutcome.Skipped "the other is skipped"
            Expect.stringContains (snd recorder.Results["f.other"]) "Focused" "and says why"

        testCase "a test asked for that is not in the suite fails, saying so" <| fun () ->
            let suite = ExpectoSuite.ofTree "sample.dll" sample
            let stale = TestCase("sample.renamed", System.Uri ExpectoSuite.ExecutorUri, "sample.dll")
            let recorder = FakeRecorder.Recorder()
            ExpectoRun.run CancellationToken.None recorder suite [ stale ]
            Expect.equal recorder.Results["sample.renamed"] (TestOutcome.Failed, ExpectoRun.noResult) "failed, not skipped"

        testCase "duplicate names are refused, naming them" <| fun () ->
            let tree = testList "d" [ testCase "x" ignore; testCase "x" ignore; testCase "y" ignore ]
            let e = Expect.throwsC (fun () -> ExpectoSuite.ofTree "d.dll" tree |> ignore) id
            match e with
            | ExpectoSuite.SuiteError why -> Expect.stringContains why "d.x" "the duplicate is named"
            | other -> failtest $"unexpected {other}"

        testCase "an assembly that does not use Expecto is not this adapter's to run" <| fun () ->
            Expect.isNone (ExpectoSuite.load typeof<TestCase>.Assembly.Location) "the VSTest object model has no Expecto tests"
    ]
