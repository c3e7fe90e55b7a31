/// Checks analysis clauses: metrics are canonical metric names (docs/results.md); groupings and x axes may
/// also name parameters, a call argument of a parameter (`prompts.input_tokens`: docs/analysis.md), `experiment` or `cycle`.
module internal Lem.Dsl.Checker.Analyses

open Lem.Engine.Results.Schema
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.RegistryAdapter

let private metricNames = MetricNames.Canonical |> Seq.map (fun m -> m.Name) |> List.ofSeq

let checkClauses (registry: Registry) (report: SyntaxDiagnostic -> unit) (clauses: AnalysisClause list) =
    // a parameter whose value is a call gives one column per argument its calls take
    let callArgumentColumns =
        registry.All
        |> List.collect (fun d -> registry.CallsFor d.Name |> List.collect (fun c -> c.Arguments |> Seq.map (fun a -> d.Name + "." + a.Name) |> List.ofSeq))
        |> List.distinct
    let columnNames = metricNames @ (registry.All |> List.map (fun d -> d.Name)) @ callArgumentColumns @ [ "experiment"; "cycle" ]
    let checkMetric (p: Path) =
        if not (MetricNames.IsCanonical p.Text) then
            // a metric family's stem (`ttft_ms`) names its members rather than the one closest spelling
            let hint =
                match metricNames |> List.filter (fun m -> m.StartsWith(p.Text + "_")) with
                | _ :: _ as family -> sprintf "; did you mean one of %s?" (family |> List.map (sprintf "'%s'") |> String.concat ", ")
                | [] -> DidYouMean.hint metricNames p.Text
            report (SyntaxDiagnostic.error Codes.UnknownMetric p.Range (sprintf "unknown metric '%s'%s (metrics are listed in docs/results.md)" p.Text hint))
    let checkColumn (p: Path) =
        if not (List.contains p.Text columnNames) then
            report (SyntaxDiagnostic.warning Codes.UnknownMetric p.Range (sprintf "'%s' is neither a metric nor a parameter%s" p.Text (DidYouMean.hint columnNames p.Text)))
    for c in clauses do
        match c with
        | Table(metrics, by, _) ->
            metrics |> List.iter checkMetric
            by |> List.iter checkColumn
        | Plot(y, x, by, _, _) ->
            checkMetric y
            checkColumn x
            by |> Option.iter checkColumn
        | Pareto(objectives, _) -> objectives |> List.iter (snd >> checkMetric)
        | Export _ -> ()
