/// Every test of this project, as one list: `dotnet run` (Main.fs) and `dotnet test` (the Expecto adapter, which
/// finds the [<Tests>] value) run the same tests under the same names.
module Lem.Analysis.Tests.Suite

open Expecto

[<Tests>]
let all =
    testList "analysis" [ ParetoTests.tests; SvgTests.tests; ChartsTests.tests; ResultsTests.tests; StatsTests.tests; AnalysisTests.tests; ReportTests.tests; AgreementTests.tests ]
