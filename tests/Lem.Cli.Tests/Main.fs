module Lem.Cli.Tests.Main
open Expecto

let smoke = testCase "placeholder version" <| fun () -> Expect.equal Lem.Dsl.Api.version "0.1.0" "version"

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv (testList "all" [ smoke ])
