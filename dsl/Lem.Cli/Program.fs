module Lem.Cli.Program
[<EntryPoint>]
let main argv =
    printfn "lem %s" Lem.Dsl.Placeholder.version
    0
