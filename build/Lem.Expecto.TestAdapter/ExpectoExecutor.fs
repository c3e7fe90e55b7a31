namespace Lem.Expecto.TestAdapter

open System.Threading
open Microsoft.VisualStudio.TestPlatform.ObjectModel
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging

/// Runs the Expecto tests of each test assembly under VSTest (`dotnet test`).
[<ExtensionUri(ExpectoSuite.ExecutorUri)>]
type ExpectoExecutor() =
    let cancel = new CancellationTokenSource()

    /// `dotnet test --filter` on FullyQualifiedName or DisplayName (both are the Expecto full name).
    let filtered (context: IRunContext) (cases: TestCase list) =
        let properties = dict [ "FullyQualifiedName", TestCaseProperties.FullyQualifiedName; "DisplayName", TestCaseProperties.DisplayName ]
        let provider (name: string) =
            match properties.TryGetValue name with
            | true, p -> p
            | _ -> null
        match context.GetTestCaseFilter(properties.Keys, provider) with
        | null -> cases
        | filter -> cases |> List.filter (fun c -> filter.MatchTestCase(c, fun name -> c.GetPropertyValue(provider name)))

    interface ITestExecutor with
        member _.RunTests(sources: string seq, context: IRunContext, handle: IFrameworkHandle) =
            for suite in Sources.load handle sources do
                ExpectoRun.run cancel.Token handle suite (filtered context (ExpectoRun.testCases suite))

        member _.RunTests(tests: TestCase seq, _: IRunContext, handle: IFrameworkHandle) =
            let wanted = tests |> Seq.groupBy (fun c -> c.Source) |> Map.ofSeq
            for suite in Sources.load handle wanted.Keys do
                ExpectoRun.run cancel.Token handle suite (List.ofSeq wanted[suite.Source])

        member _.Cancel() = cancel.Cancel()
