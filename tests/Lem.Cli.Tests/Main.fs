module Lem.Cli.Tests.Main

open Expecto

[<EntryPoint>]
let main argv =
    let all =
        testList "lem" [
            CheckPlanTests.tests
            ConfigTests.tests
            ModelTests.tests
            ResultsTests.tests
            BadInputTests.tests
            RunTests.tests
            ReplTests.tests
            ExampleTests.tests
            FsiTests.tests
        ]
    runTestsWithCLIArgs [] argv all
