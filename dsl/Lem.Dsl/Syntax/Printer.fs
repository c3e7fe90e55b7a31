// The public surface and its documentation: Printer.fsi.
module Lem.Dsl.Syntax.Printer

open System
open System.Globalization
open System.Text

let private escape (s: string) =
    s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\t", "\\t")

let rec value (v: Value) : string =
    match v.Kind with
    | Int i -> i.ToString(CultureInfo.InvariantCulture)
    | Dec d ->
        let t = d.ToString("R", CultureInfo.InvariantCulture)
        if t.Contains '.' || t.Contains 'E' || t.Contains 'e' then t.Replace("E", "e") else t + ".0"
    | Str s -> "\"" + escape s + "\""
    | Bool b -> if b then "true" else "false"
    | Dur(_, text) -> text
    | Word w -> w
    | List items -> "[" + (items |> List.map value |> String.concat ", ") + "]"
    | Call(name, positional, named) ->
        let args = (positional |> List.map value) @ (named |> List.map (fun (n, x) -> n.Name + " = " + value x))
        name + "(" + String.concat ", " args + ")"

/// The comment after an assignment that is not written in the source (the original tool's defaults).
let private originNote (a: Assignment) =
    match a.Origin with
    | Written -> ""
    | OriginalDefault -> "   # original default"

let assignments (indent: string) (items: Assignment list) : string =
    let sb = StringBuilder()
    let sectionOf (a: Assignment) = match a.Path.Parts with [ s; _ ] -> Some s | _ -> None
    let counts = items |> List.choose sectionOf |> List.countBy id |> Map.ofList
    let printed = Collections.Generic.HashSet<string>()
    for a in items do
        match sectionOf a with
        | Some s when counts[s] >= 2 ->
            if printed.Add s then
                sb.AppendLine(sprintf "%s%s {" indent s) |> ignore
                for b in items |> List.filter (fun b -> sectionOf b = Some s) do
                    sb.AppendLine(sprintf "%s  %s = %s%s" indent (List.last b.Path.Parts) (value b.Value) (originNote b)) |> ignore
                sb.AppendLine(indent + "}") |> ignore
        | _ -> sb.AppendLine(sprintf "%s%s = %s%s" indent a.Path.Text (value a.Value) (originNote a)) |> ignore
    sb.ToString()

let statement (s: Statement) : string =
    match s with
    | Import(p, _) -> sprintf "import \"%s\"\n" (escape p)
    | Let(n, v, _) -> sprintf "let %s = %s\n" n.Name (value v)
    | Experiment(n, parent, items, _) ->
        let ext = match parent with Some p -> " extends " + p.Name | None -> ""
        sprintf "experiment %s%s {\n%s}\n" n.Name ext (assignments "  " items)
    | Sweep(n, parent, zip, items, _) ->
        sprintf "sweep %s from %s%s {\n%s}\n" n.Name parent.Name (if zip then " zip" else "") (assignments "  " items)
    | Campaign(n, items, _) -> sprintf "campaign %s {\n%s}\n" n.Name (assignments "  " items)
    | Run(n, _) -> sprintf "run %s\n" n.Name
    | Show(n, _) -> sprintf "show %s\n" n.Name
    | Analyze(n, clauses, _) ->
        let paths (ps: Path list) = ps |> List.map (fun p -> p.Text) |> String.concat ", "
        let clause c =
            match c with
            | Table(ms, by, _) -> "table " + paths ms + (if by.IsEmpty then "" else " by " + paths by)
            | Plot(y, x, by, file, _) ->
                sprintf "plot %s vs %s%s%s" y.Text x.Text (by |> Option.map (fun b -> " by " + b.Text) |> Option.defaultValue "")
                    (file |> Option.map (fun f -> sprintf " to \"%s\"" (escape f)) |> Option.defaultValue "")
            | Pareto(objs, _) ->
                "pareto " + (objs |> List.map (fun (d, p) -> (if d = Minimize then "minimize " else "maximize ") + p.Text) |> String.concat ", ")
            | Export(f, _) -> sprintf "export \"%s\"" (escape f)
        sprintf "analyze %s {\n%s}\n" n.Name (clauses |> List.map (fun c -> "  " + clause c + "\n") |> String.concat "")
