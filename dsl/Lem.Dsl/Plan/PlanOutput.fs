// The public surface and its documentation: PlanOutput.fsi.
module Lem.Dsl.Plan.PlanOutput

open System
open System.IO
open System.Text
open System.Text.Json
open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Checker
open Lem.Dsl.Checker.RegistryAdapter

/// The value as text: strings in quotes, calls and durations as written.
let private valueText (v: ConfigValue) = if isNull (box v) then "(unset)" else v.ToString()

/// The value as JSON, as result records store it (ParameterRecord.ToJson), so a plan and a record cannot differ.
let private writeValue (w: Utf8JsonWriter) (v: ConfigValue) =
    match v with
    | null -> w.WriteNullValue()
    | v -> (Lem.Engine.Results.Schema.ParameterRecord.ToJson v).WriteTo w

/// The value as written when the script kept its source text (durations), else its canonical text.
let private writtenValue (e: CheckedExperiment) (parameter: string) (rv: ResolvedValue) : ConfigValue =
    match rv.Value, e.History.TryFind parameter with
    | (:? ConfigValue.Duration), Some steps when not steps.IsEmpty ->
        match (List.last steps).SourceText with
        | Some text when obj.ReferenceEquals((List.last steps).Value, rv) -> ConfigValue.Word(text)
        | _ -> rv.Value
    | v, _ -> v

/// Parameters in registry order, then any others (unknown names) alphabetically.
let private orderedParameters (registry: Registry) (values: IReadOnlyDictionary<string, ResolvedValue>) =
    let known = registry.All |> List.map (fun d -> d.Name)
    let knownSet = set known
    let extra = values.Keys |> Seq.filter (fun k -> not (knownSet.Contains k)) |> Seq.sort |> List.ofSeq
    (known |> List.filter values.ContainsKey) @ extra |> List.map (fun k -> k, values[k])

let planJson (registry: Registry) (program: CheckedProgram) : string =
    use stream = new MemoryStream()
    let options = JsonWriterOptions(Indented = true, Encoder = Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
    do
        use w = new Utf8JsonWriter(stream, options)
        w.WriteStartArray()
        for name in program.ExperimentOrder do
            let e = program.Experiments[name]
            w.WriteStartObject()
            w.WriteString("name", name)
            w.WriteStartObject("params")
            for (p, rv) in orderedParameters registry (Checker.fullValues registry e) do
                w.WriteStartObject(p)
                w.WritePropertyName("value")
                writeValue w (writtenValue e p rv)
                w.WriteString("from", rv.From.ToString())
                w.WriteEndObject()
            w.WriteEndObject()
            w.WriteEndObject()
        w.WriteEndArray()
    Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n"

/// Aligned columns: parameter, value, origin.
let private table (rows: (string * string * string) list) =
    let t = Lem.Engine.Results.Views.TextTable("parameter", "value", "origin")
    for (a, b, c) in rows do t.Add(a, b, c)
    t.Render "  "

/// The resolved parameters of one experiment, aligned, with their origin.
let private experimentText (registry: Registry) (e: CheckedExperiment) =
    let rows =
        orderedParameters registry (Checker.fullValues registry e)
        |> List.map (fun (p, rv) -> p, valueText (writtenValue e p rv), rv.From.ToString())
    sprintf "experiment %s\n%s" e.Name (table rows)

let private orderText (o: CampaignOrder) =
    match o with
    | Interleaved -> "interleaved"
    | Shuffled -> "shuffled"
    | Grouped -> "grouped"

/// The campaign's `slurm { ... }` settings that are set, as written (`partition "gpu", time 2h, max_parallel 1`); "" when none.
let private slurmText (s: SlurmSettings) =
    [ s.Partition |> Option.map (sprintf "partition \"%s\"")
      s.Account |> Option.map (sprintf "account \"%s\"")
      s.Time |> Option.map (fun t -> "time " + DurationText.Format t)
      s.GpusPerTask |> Option.map (sprintf "gpus_per_task %d")
      s.CpusPerTask |> Option.map (sprintf "cpus_per_task %d")
      s.Mem |> Option.map (sprintf "mem \"%s\"")
      s.MaxParallel |> Option.map (sprintf "max_parallel %d")
      (if s.Extra.IsEmpty then None else Some(sprintf "extra [%s]" (s.Extra |> List.map (sprintf "\"%s\"") |> String.concat ", "))) ]
    |> List.choose id
    |> String.concat ", "

let private campaignText (c: CheckedCampaign) =
    let sb = StringBuilder()
    let seed = if c.Order = Shuffled then sprintf " (seed %d)" c.Seed else ""
    sb.AppendLine(sprintf "campaign %s: %d experiments x %d cycles, order %s%s, gap %s, cycle gap %s, cold_start %b%s"
                    c.Name c.Experiments.Length c.Cycles (orderText c.Order) seed
                    (DurationText.Format c.Gap) (DurationText.Format c.CycleGap) c.ColdStart
                    (if c.ColdStart then " (each run in a fresh lem process)" else " (runs share one lem process; models reused)")) |> ignore
    match slurmText c.Slurm with
    | "" -> ()
    | settings -> sb.AppendLine(sprintf "  slurm: %s" settings) |> ignore
    Campaigns.expand c |> List.iteri (fun i r -> sb.AppendLine(sprintf "  %3d. cycle %d  %s" (i + 1) r.Cycle r.Experiment) |> ignore)
    sb.ToString()

let planText (registry: Registry) (program: CheckedProgram) =
    let sb = StringBuilder()
    for name in program.ExperimentOrder do
        sb.AppendLine(experimentText registry program.Experiments[name]) |> ignore
    for c in program.Campaigns.Values |> Seq.sortBy (fun c -> c.Range.File, c.Range.StartLine) do
        sb.AppendLine(campaignText c) |> ignore
    sb.ToString().TrimEnd() + "\n"

let showText (registry: Registry) (program: CheckedProgram) (name: string) : string option =
    match program.Campaigns.TryFind name, program.Sweeps.TryFind name, program.Experiments.TryFind name with
    | Some c, _, _ -> Some(campaignText c)
    | _, Some s, _ ->
        let header = sprintf "sweep %s from %s (%s, %d members%s)\n" s.Name s.Parent (if s.Zip then "zip" else "grid") s.Members.Length (if s.Dropped.IsEmpty then "" else sprintf ", %d dropped" s.Dropped.Length)
        Some(header + (s.Members |> List.map (fun m -> experimentText registry program.Experiments[m]) |> String.concat "\n"))
    | _, _, Some e -> Some(experimentText registry e)
    | _ -> None

let private where (r: Lem.Dsl.Syntax.Range) = sprintf "%s:%d" r.File r.StartLine

/// The chain of definitions behind an experiment, newest first.
let private lineage (program: CheckedProgram) (e: CheckedExperiment) : string list =
    let rec declared (name: string) (seen: Set<string>) =
        match program.Experiments.TryFind name with
        | Some p when not (seen.Contains name) ->
            match p.Source with
            | Declared(Some parent) -> sprintf "%s (%s) extends %s" p.Name (where p.Range) parent :: declared parent (seen.Add name)
            | _ -> [ sprintf "%s (%s)" p.Name (where p.Range) ]
        | _ -> []
    match e.Source with
    | SweepMember(sweep, index) ->
        let parent = program.Sweeps.TryFind sweep |> Option.map (fun s -> s.Parent) |> Option.defaultValue "?"
        sprintf "member %d of sweep %s (%s), from %s" (index + 1) sweep (where e.Range) parent :: declared parent Set.empty
    | Declared _ -> declared e.Name Set.empty

let explainText (registry: Registry) (program: CheckedProgram) (name: string) : string option =
    let explainOne (e: CheckedExperiment) =
        let sb = StringBuilder()
        sb.AppendLine(e.Name) |> ignore
        for line in lineage program e do
            sb.AppendLine("  " + line) |> ignore
        sb.AppendLine("values not taken from the defaults (each step that set them, oldest first):") |> ignore
        let set = orderedParameters registry e.Values
        if set.IsEmpty then sb.AppendLine("  (none: every parameter has its default)") |> ignore
        for (p, rv) in set do
            let d = registry.TryGet p
            let defaultText =
                match d with
                | Some d when not (isNull (box d.Default)) -> sprintf "default %s" (valueText d.Default)
                | Some _ -> "no default"
                | None -> "not a registry parameter"
            sb.AppendLine(sprintf "  %s = %s   (%s)" p (valueText rv.Value) defaultText) |> ignore
            for step in e.History.TryFind p |> Option.defaultValue [] do
                let owner =
                    match step.Value.From with
                    | :? Provenance.Assignment -> sprintf " in %s" step.Owner
                    | _ -> ""
                sb.AppendLine(sprintf "    %s%s: %s" (step.Value.From.ToString()) owner (valueText step.Value.Value)) |> ignore
        sb.ToString()
    match program.Experiments.TryFind name, program.Sweeps.TryFind name, program.Campaigns.TryFind name with
    | Some e, _, _ -> Some(explainOne e)
    | _, Some s, _ -> Some(s.Members |> List.map (fun m -> explainOne program.Experiments[m]) |> String.concat "\n")
    | _, _, Some c -> Some(campaignText c + "\n" + (c.Experiments |> List.distinct |> List.map (fun m -> explainOne program.Experiments[m]) |> String.concat "\n"))
    | _ -> None
