/// Reading CSV text (RFC 4180) into rows of fields, with the engine's CSV reader.
module Lem.Analysis.Csv

/// The rows of a CSV text; blank lines are skipped. Malformed text fails with the file, line and column.
let parse (file: string) (text: string) : string list list =
    Lem.Engine.Workload.Prompts.CsvParser.Parse(file, text, fun message -> AnalysisException message :> exn)
    |> Seq.map (fun row -> List.ofSeq row.Fields)
    |> List.ofSeq
