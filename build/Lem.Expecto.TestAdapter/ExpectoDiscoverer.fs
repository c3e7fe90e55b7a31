namespace Lem.Expecto.TestAdapter

open Microsoft.VisualStudio.TestPlatform.ObjectModel
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter
open Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging

module internal Sources =
    /// The Expecto suites among the sources; one that cannot be loaded is reported as an error, never skipped quietly.
    let load (logger: IMessageLogger) (sources: string seq) =
        [ for source in sources do
              match (try Ok(ExpectoSuite.load source) with ExpectoSuite.SuiteError why -> Error why) with
              | Ok(Some suite) -> yield suite
              | Ok None -> ()
              | Error why -> logger.SendMessage(TestMessageLevel.Error, why) ]

/// Lists the Expecto tests of each test assembly (`dotnet test --list-tests`, IDEs).
[<FileExtension(".dll"); FileExtension(".exe"); DefaultExecutorUri(ExpectoSuite.ExecutorUri)>]
type ExpectoDiscoverer() =
    interface ITestDiscoverer with
        member _.DiscoverTests(sources, _, logger, sink) =
            for suite in Sources.load logger sources do
                for case in ExpectoRun.testCases suite do
                    sink.SendTestCase case
