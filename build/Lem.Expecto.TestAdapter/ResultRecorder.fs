/// Expecto's test printer turned into VSTest results: each test's start and outcome are recorded as Expecto reports
/// them, by full name.
module Lem.Expecto.TestAdapter.ResultRecorder

open System
open System.Collections.Concurrent
open Microsoft.VisualStudio.TestPlatform.ObjectModel
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter
open Expecto.Impl

type Recorder(recorder: ITestExecutionRecorder, cases: TestCase seq) =
    let byName = cases |> Seq.map (fun c -> c.FullyQualifiedName, c) |> dict
    let finished = ConcurrentDictionary<string, unit>()

    let finish name outcome (duration: TimeSpan) (message: string) (stackTrace: string) =
        match byName.TryGetValue name with
        | true, case when finished.TryAdd(name, ()) ->
            let result = TestResult(case, Outcome = outcome, Duration = duration, ErrorMessage = message, ErrorStackTrace = stackTrace)
            recorder.RecordEnd(case, outcome)
            recorder.RecordResult result
        | _ -> ()

    member _.Printer: TestPrinters =
        { TestPrinters.silent with
            beforeEach =
                fun name _ ->
                    async {
                        match byName.TryGetValue name with
                        | true, case -> recorder.RecordStart case
                        | _ -> ()
                    }
            passed = fun name duration -> async { finish name TestOutcome.Passed duration null null }
            ignored = fun name reason -> async { finish name TestOutcome.Skipped TimeSpan.Zero reason null }
            failed = fun name message duration -> async { finish name TestOutcome.Failed duration message null }
            exn = fun name e duration -> async { finish name TestOutcome.Failed duration $"{e.GetType().Name}: {e.Message}" e.StackTrace } }

    /// Fails the cases Expecto did not report: a test asked for must never vanish quietly.
    member _.RecordUnreported(why: string) =
        for KeyValue(name, case) in byName do
            if finished.TryAdd(name, ()) then
                recorder.RecordEnd(case, TestOutcome.Failed)
                recorder.RecordResult(TestResult(case, Outcome = TestOutcome.Failed, ErrorMessage = why))
