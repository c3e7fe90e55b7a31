/// Every test of this project, as one list: `dotnet run` (Main.fs) and `dotnet test` (the Expecto adapter, which
/// finds the [<Tests>] value) run the same tests under the same names.
module Lem.Cli.Tests.Suite

open Expecto

[<Tests>]
let all =
    testList "lem" [
        CheckPlanTests.tests
        ConfigTests.tests
        ModelTests.tests
        ResultsTests.tests
        BadInputTests.tests
        PreflightTests.tests
        RunTests.tests
        ResumeTests.tests
        CampaignFailureTests.tests
        ColdStartTests.tests
        ReplTests.tests
        ExampleTests.tests
        FsiTests.tests
        MeasureTests.tests
        DaemonTests.tests
        SlurmTests.tests
    ]
