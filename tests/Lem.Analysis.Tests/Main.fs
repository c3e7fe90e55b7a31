module Lem.Analysis.Tests.Main

open Expecto

[<EntryPoint>]
let main argv =
    runTestsWithCLIArgs [] argv (testList "analysis" [ ParetoTests.tests; SvgTests.tests; ChartsTests.tests; ResultsTests.tests; StatsTests.tests; AnalysisTests.tests; ReportTests.tests; AgreementTests.tests ])
