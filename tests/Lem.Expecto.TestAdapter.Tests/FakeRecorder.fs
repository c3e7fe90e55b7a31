/// Records what the adapter reports, in place of VSTest's framework handle.
module Lem.Expecto.TestAdapter.Tests.FakeRecorder

open System.Collections.Concurrent
open Microsoft.VisualStudio.TestPlatform.ObjectModel
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter

type Recorder() =
    let results = ConcurrentQueue<TestResult>()
    let started = ConcurrentQueue<string>()

    /// Outcome and message of each result, by full name (a name reported twice would show in Count).
    member _.Results = results |> Seq.map (fun r -> r.TestCase.FullyQualifiedName, (r.Outcome, r.ErrorMessage)) |> Map.ofSeq
    member _.Count = results.Count
    member _.Started = started |> Set.ofSeq

    interface ITestExecutionRecorder with
        member _.RecordResult result = results.Enqueue result
        member _.RecordStart case = started.Enqueue case.FullyQualifiedName
        member _.RecordEnd(_, _) = ()
        member _.RecordAttachments _ = ()
        member _.SendMessage(_, _) = ()
