module Lem.Dsl.Tests.Main

open Expecto

[<EntryPoint>]
let main argv =
    let all = testList "Lem.Dsl" [ ParserTests.tests; CheckerTests.tests; PassTests.tests; GoldenTests.tests; GoldenTests.examples; YamlTests.tests; RuntimeTests.tests ]
    runTestsWithCLIArgs [] argv all
