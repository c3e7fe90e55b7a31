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
    let code = runTestsWithCLIArgs [] argv all
    if System.Environment.GetEnvironmentVariable "LEM_KEEP_TEST_DIR" = "1" then eprintfn "test folders kept in %s" Lem.testRoot
    else
        try System.IO.Directory.Delete(Lem.testRoot, true)
        with e -> eprintfn "could not delete %s: %s" Lem.testRoot e.Message
    code
