/// Every test of this project, as one list: `dotnet run` (Main.fs) and `dotnet test` (the Expecto adapter, which
/// finds the [<Tests>] value) run the same tests under the same names.
module Lem.Expecto.TestAdapter.Tests.Suite

open Expecto

[<Tests>]
let all = testList "expecto adapter" [ AdapterTests.tests ]
