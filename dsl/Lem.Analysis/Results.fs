/// Results as data: a results folder (or an exported CSV) as a Deedle frame with one row per run, keyed by run id.
/// Columns are those of the engine's export (ExportTable, docs/results.md): run columns, parameters by their dotted
/// names, every canonical metric (unit in the name), energy-source columns, then meter metrics. Numbers are float
/// columns, text string columns; a value that was not measured is missing, never 0.
module Lem.Analysis.Results

open System
open System.Globalization
open System.IO
open Deedle
open Lem.Engine.Meters
open Lem.Engine.Results
open Lem.Engine.Results.Aggregation
open Lem.Engine.Results.Export
open Lem.Engine.Results.Schema
open Lem.Engine.Results.Store

let private engine (f: unit -> 'a) =
    try f () with :? ResultsException as e -> raise (AnalysisException(e.Message, e))

/// Every run folder of a results folder, complete or not, with its aggregated record or the problem reading it.
let runs (folder: string) : RunEntry list =
    let full = Path.GetFullPath folder
    if not (Directory.Exists full) then
        raise (AnalysisException $"results folder {full} does not exist. Give the folder that `lem run` wrote its results to (results.dir).")
    engine (fun () -> ResultStore(full).ListRuns() |> List.ofSeq)

/// The runs that count among a results folder's entries, by the one rule for superseded runs (Supersession: the latest
/// complete run of each experiment and cycle), with what was left out; unreadable run folders count as incomplete.
let selection (entries: RunEntry list) : Supersession.Selection =
    let readable = entries |> List.filter (fun e -> not (isNull e.Record))
    let selected = Supersession.Select(readable |> List.map (fun e -> e.Record))
    Supersession.Selection(selected.Kept, selected.Superseded, selected.Incomplete + (entries.Length - readable.Length))

/// What the rule left out, in one line; None when nothing was.
let leftOut (entries: RunEntry list) : string option = Option.ofObj ((selection entries).Describe())

let private complete (entries: RunEntry list) = (selection entries).Kept |> List.ofSeq

/// The complete runs of a results folder as aggregated records, the latest of each experiment and cycle; empty when
/// there is none (the folder must exist).
let completeRecords (folder: string) : AggregatedRecord list = complete (runs folder)

/// The complete runs among a results folder's entries (from `runs`), the latest of each experiment and cycle. Fails,
/// saying what was found, when there is none.
let recordsOf (folder: string) (entries: RunEntry list) : AggregatedRecord list =
    let complete = complete entries
    if complete.IsEmpty then
        let full = Path.GetFullPath folder
        let detail =
            if entries.IsEmpty then "it holds no run folder"
            else $"its {entries.Length} run folder(s) are incomplete or unreadable"
        raise (AnalysisException $"no complete run in {full}: {detail}. `lem results --dir {folder} list` shows the runs there; run the experiments (again) to complete them.")
    complete

/// The complete runs of a results folder as aggregated records (derived from the raw records), the latest of each
/// experiment and cycle. Fails, saying what was found, when there is none.
let records (folder: string) : AggregatedRecord list = recordsOf folder (runs folder)

/// The named arguments of a call written as in records (`synthetic(count = 8, input_tokens = 128)`), or None when the
/// text is not a call. Commas inside quotes or nested parentheses do not split; positional arguments are skipped.
let callArguments (text: string) : (string * string) list option =
    let text = text.Trim()
    let openAt = text.IndexOf '('
    if openAt <= 0 || not (text.EndsWith ")") || not (text.Substring(0, openAt) |> Seq.forall (fun c -> Char.IsLetterOrDigit c || c = '_')) then None
    else
        let inner = text.Substring(openAt + 1, text.Length - openAt - 2)
        let parts = ResizeArray<string>()
        let current = Text.StringBuilder()
        let mutable depth = 0
        let mutable quoted = false
        for c in inner do
            match c with
            | '"' -> quoted <- not quoted; current.Append c |> ignore
            | '(' | '[' when not quoted -> depth <- depth + 1; current.Append c |> ignore
            | ')' | ']' when not quoted -> depth <- depth - 1; current.Append c |> ignore
            | ',' when not quoted && depth = 0 -> parts.Add(current.ToString()); current.Clear() |> ignore
            | c -> current.Append c |> ignore
        if current.Length > 0 then parts.Add(current.ToString())
        parts
        |> Seq.choose (fun part ->
            let eq = part.IndexOf '='
            if eq <= 0 then None
            else
                let name = part.Substring(0, eq).Trim()
                if name |> Seq.forall (fun c -> Char.IsLetterOrDigit c || c = '_') then Some(name, part.Substring(eq + 1).Trim().Trim('"')) else None)
        |> List.ofSeq
        |> Some

/// For a text column whose every value is a call (`prompts`), one column per named argument (`prompts.input_tokens`),
/// a number column when every value is a number: a sweep over `synthetic(input_tokens = ...)` then has a numeric axis.
let private argumentColumns (name: string) (values: string option list) : FrameBuild.Column list =
    let calls = values |> List.map (Option.map callArguments)
    if values |> List.forall Option.isNone || calls |> List.exists (function Some None -> true | _ -> false) then []
    else
        let args = calls |> List.map (Option.bind id >> Option.defaultValue [])
        let argNames = args |> List.collect (List.map fst) |> List.distinct
        [ for arg in argNames ->
              let cells = args |> List.map (List.tryFind (fst >> (=) arg) >> Option.map snd)
              let number (t: string) = Double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture)
              if cells |> List.forall (function Some t -> fst (number t) | None -> true) then
                  FrameBuild.NumberColumn($"{name}.{arg}", cells |> List.map (Option.map (fun t -> snd (number t))))
              else FrameBuild.TextColumn($"{name}.{arg}", cells) ]

/// Columns that may be parameters: not run columns, energy-source columns or canonical metrics.
let private isParameterCandidate (name: string) =
    not (MetricNames.IsCanonical name)
    && not (ExportTable.RunColumns |> Seq.exists (fun c -> c.Name = name))
    && not (ExportTable.EnergySourceColumns |> Seq.exists (fun c -> c.Name = name))

/// The engine's export table as a frame (same columns in the same order, same values), with each call-valued
/// parameter followed by a column per named argument (`prompts.input_tokens`, see argumentColumns).
let ofTable (table: ExportTable) : Frame<string, string> =
    let runIdIndex = table.Columns |> Seq.findIndex (fun c -> c.Name = "run_id")
    let rows = List.ofSeq table.Rows
    let keys = rows |> List.map (fun r -> string r[runIdIndex])
    let columns =
        table.Columns
        |> Seq.mapi (fun i c ->
            match c.Kind with
            | ExportColumnKind.Number ->
                [ FrameBuild.NumberColumn(c.Name, rows |> List.map (fun r -> match r[i] with :? float as v -> Some v | _ -> None)) ]
            | _ ->
                let values = rows |> List.map (fun r -> match r[i] with null -> None | v -> Some(string v))
                let derived = if isParameterCandidate c.Name then argumentColumns c.Name values else []
                FrameBuild.TextColumn(c.Name, values) :: derived)
        |> List.concat
    FrameBuild.build keys columns

/// Aggregated records as a frame (one row per run).
let ofRecords (records: AggregatedRecord seq) : Frame<string, string> = ofTable (ExportTable.From records)

/// The rows of the given experiments (for `analyze CAMPAIGN`: the campaign's members). Fails, listing the
/// experiments that are there, when none of the names has a run.
let onlyExperiments (experiments: string list) (frame: Frame<string, string>) : Frame<string, string> =
    let wanted = Set.ofList experiments
    let experimentOf = Columns.cells frame "experiment" |> Map.ofList
    let keep = frame.RowKeys |> Seq.filter (fun k -> match experimentOf[k] with Cell.Text e -> wanted.Contains e | _ -> false) |> List.ofSeq
    if keep.IsEmpty then
        let present = experimentOf |> Map.toList |> List.map (fun (_, c) -> c.Label) |> List.distinct |> List.sort
        let shown = present |> List.truncate 10 |> String.concat ", "
        let more = if present.Length > 10 then ", ..." else ""
        let asked = String.concat ", " experiments
        raise (AnalysisException $"no complete run of {asked} in the results (experiments there: {shown}{more}). Run them first.")
    let keepSet = Set.ofList keep
    frame |> Frame.filterRows (fun key _ -> keepSet.Contains key)

/// The complete runs of a results folder as a frame: `Results.load "results"`.
let load (folder: string) : Frame<string, string> = ofRecords (records folder)

/// A CSV written by the engine's export (`lem results export`, `analyze ... export`) read back as a frame: a column
/// whose cells are all numbers or NA is a number column, any other a text column; NA is missing.
let readCsv (path: string) : Frame<string, string> =
    let full = Path.GetFullPath path
    if not (File.Exists full) then raise (AnalysisException $"{full} does not exist. Export results with `lem results export --format csv --out {path}` first.")
    match Csv.parse full (File.ReadAllText full) with
    | [] -> raise (AnalysisException $"{full} is empty; expected a header line and one line per run.")
    | header :: rows ->
        rows |> List.iteri (fun i r ->
            if r.Length <> header.Length then
                raise (AnalysisException $"{full}:{i + 2}: {r.Length} fields for {header.Length} columns; the file is damaged or not an export."))
        let runId =
            match header |> List.tryFindIndex ((=) "run_id") with
            | Some i -> i
            | None -> raise (AnalysisException $"{full}: no run_id column; this is not an export of results.")
        let isNumber (text: string) =
            text = CsvExporter.Missing || fst (Double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture))
        let columns =
            header
            |> List.mapi (fun i name ->
                let cells = rows |> List.map (fun r -> r[i])
                if cells |> List.forall isNumber then
                    [ FrameBuild.NumberColumn(name, cells |> List.map (fun t -> if t = CsvExporter.Missing then None else Some(Double.Parse(t, CultureInfo.InvariantCulture)))) ]
                else
                    let values = cells |> List.map (fun t -> if t = CsvExporter.Missing then None else Some t)
                    FrameBuild.TextColumn(name, values) :: (if isParameterCandidate name then argumentColumns name values else []))
            |> List.concat
        FrameBuild.build (rows |> List.map (fun r -> r[runId])) columns

/// Statistics across cycles per group: `Results.summary frame ["batching.batch_size"; "precision"] ["energy_per_output_token_j"]`.
/// One row per group: the grouping columns, runs, and per metric n, mean, std, cv, 95% CI (Student t and bootstrap
/// percentile, fixed seed) and a note (n < 2 says there is no interval and why). No grouping column: by experiment.
let summary (frame: Frame<string, string>) (by: string list) (metrics: string list) : Frame<string, string> =
    Summary.frame frame by metrics

/// The parameter columns of a frame: every column that is not a run column, canonical metric, energy-source column
/// or meter metric (that is, the experiments' resolved parameters, by dotted name).
let parameterColumns (frame: Frame<string, string>) =
    let fixedNames =
        Seq.concat [ ExportTable.RunColumns |> Seq.map (fun c -> c.Name)
                     ExportTable.EnergySourceColumns |> Seq.map (fun c -> c.Name)
                     MetricNames.Canonical |> Seq.map (fun m -> m.Name) ]
        |> Set.ofSeq
    let names = Columns.names frame
    // Export order: run columns, parameters, canonical metrics, energy sources, meter metrics.
    let firstMetric = names |> List.tryFindIndex (fun n -> MetricNames.IsCanonical n) |> Option.defaultValue names.Length
    names |> List.take firstMetric |> List.filter (fun n -> not (fixedNames.Contains n))

/// The parameters that vary across the runs of a frame (the swept ones). A call-valued parameter whose variation its
/// argument columns explain (`prompts` by `prompts.input_tokens`) is replaced by them.
let sweptParameters (frame: Frame<string, string>) =
    let varying = Columns.varying frame (parameterColumns frame)
    let distinct name = Columns.cells frame name |> List.map snd |> List.distinct |> List.length
    let explained parent =
        let children = varying |> List.filter (fun c -> c.StartsWith(parent + ".", StringComparison.Ordinal))
        not children.IsEmpty
        && (let tuples = frame.RowKeys |> Seq.map (fun k -> children |> List.map (fun c -> Columns.cells frame c |> List.find (fst >> (=) k) |> snd)) |> Seq.distinct |> Seq.length
            tuples = distinct parent)
    varying |> List.filter (fun name -> not (explained name))

/// The time series each worker of a run wrote beside its raw record (t_s, series, value), empty when none.
let timeSeries (folder: string) (record: AggregatedRecord) : (int * TimeSeriesPoint list) list =
    let store = ResultStore(Path.GetFullPath folder)
    [ for worker in 0 .. max 1 record.WorkerCount - 1 do
          let points = engine (fun () -> store.ReadTimeSeries(record.RunId, worker)) |> List.ofSeq
          if not points.IsEmpty then worker, points ]
