module Lem.Dsl.Tests.Main

open Expecto

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv Suite.all
