/// Setting parameters step by step (an experiment's assignments, a sweep axis, a --set override), keeping each
/// parameter's history of who set it where.
module internal Lem.Dsl.Checker.ValueSteps

open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax

type Step =
    { Path: string
      Value: ConfigValue
      Provenance: Provenance
      Range: Range
      SourceText: string option }

let assignmentProvenance (r: Range) = Provenance.Assignment(r.File, r.StartLine, r.StartCol) :> Provenance

/// Where an assignment's value comes from: its place in the file, or the original tool's defaults.
let provenanceOf (a: Assignment) =
    match a.Origin with
    | Written -> assignmentProvenance a.Path.Range
    | OriginalDefault -> Provenance.OriginalDefault() :> Provenance

/// The value as written, where it differs from the canonical form (durations).
let sourceText (v: Value) =
    match v.Kind with
    | Dur(_, text) -> Some text
    | _ -> None

/// The values and history after `owner` applied the steps in order (a later step wins).
let apply (owner: string) (values: IReadOnlyDictionary<string, ResolvedValue>) (history: Map<string, ValueStep list>) (steps: Step list) =
    let result = Dictionary<string, ResolvedValue>(values)
    let mutable hist = history
    for s in steps do
        let rv = ResolvedValue(s.Value, s.Provenance)
        result[s.Path] <- rv
        let previous = hist.TryFind s.Path |> Option.defaultValue []
        hist <- hist.Add(s.Path, previous @ [ { Value = rv; Owner = owner; Range = s.Range; SourceText = s.SourceText } ])
    result :> IReadOnlyDictionary<_, _>, hist

