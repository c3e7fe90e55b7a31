module Lem.Dsl.Tests.Main

open Expecto

[<EntryPoint>]
let main argv =
    runTestsWithCLIArgs [] argv (testList "Lem.Dsl" [ ParserTests.tests; CheckerTests.tests ])
