/// Every test of this project, as one list: `dotnet run` (Main.fs) and `dotnet test` (the Expecto adapter, which
/// finds the [<Tests>] value) run the same tests under the same names.
module Lem.Dsl.Tests.Suite

open Expecto

[<Tests>]
let all =
    testList "Lem.Dsl" [ ParserTests.tests; CheckerTests.tests; PassTests.tests; GoldenTests.tests; GoldenTests.examples; YamlTests.tests; RuntimeTests.tests; LimitsTests.tests; PreflightTests.tests ]
