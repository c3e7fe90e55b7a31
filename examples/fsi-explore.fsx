// examples/fsi-explore.fsx — lem from F# Interactive: check and run the quickstart, run a snippet, load the results
// as a Deedle frame and print a summary.   dotnet build dsl/Lem.Cli && dotnet fsi examples/fsi-explore.fsx
// (results go to ./results of the folder you run it from)

#load "../scripts/lem.fsx"

open System.IO

let quickstart = Path.Combine(__SOURCE_DIRECTORY__, "quickstart.lem")

printfn "check: %s" (if Lem.check quickstart then "ok" else "errors")
match Lem.planJson quickstart with
| Ok json ->
    use plan = System.Text.Json.JsonDocument.Parse json
    printfn "plan: %d experiment(s), %d parameters each" (plan.RootElement.GetArrayLength()) (plan.RootElement[0].GetProperty("params").EnumerateObject() |> Seq.length)
| Error diagnostics -> failwith diagnostics

if Lem.run quickstart <> 0 then failwith "the quickstart failed (see above)"

// a snippet of .lem, run as a script in the current folder
let snippet = """
experiment snippet {
  model = synthetic("tiny")
  max_new_tokens = 4
  prompts = synthetic(count = 2, input_tokens = 8)
  warmup.count = 0
}
run snippet
"""
if Lem.eval snippet <> 0 then failwith "the snippet failed (see above)"

let frame = Lem.results "results"
printfn "frame: %d runs, %d columns" frame.RowCount frame.ColumnCount

let metrics = [ "energy_per_output_token_j"; "output_tokens_per_s"; "ttft_ms_p50" ]
Lem.summary frame [] metrics |> Lem.print
