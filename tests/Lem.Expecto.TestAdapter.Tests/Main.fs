module Lem.Expecto.TestAdapter.Tests.Main

open Expecto

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv Suite.all
