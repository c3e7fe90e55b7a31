/// Statements, assignment blocks and analysis clauses.
module internal Lem.Dsl.Parser.Statements

open FParsec
open Lem.Dsl.Syntax
open Lem.Dsl.Parser.Primitives
open Lem.Dsl.Parser.Values

/// `path = value` or `section { assignments }`; blocks are flattened into dotted paths.
let private assignments, private assignmentsRef = createParserForwardedToRef<Assignment list, unit> ()

let private assignmentItem: P<Assignment list> =
    path .>> ws
    >>= fun p ->
        let simple =
            skipChar '=' >>. ws >>. value
            |>> fun v -> [ { Path = p; Value = v; Range = Range.span p.Range v.Range; Origin = Written } ]
        let block =
            assignments
            |>> List.map (fun a ->
                let inner = { a.Path with Parts = p.Parts @ a.Path.Parts }
                { a with Path = inner })
        simple <|> block <?> "'=' or '{'"

do
    assignmentsRef.Value <-
        between (skipChar '{' >>. seps) (skipChar '}' <?> "'}' or another assignment") (many (assignmentItem .>> endOfItem .>> seps))
        |>> List.concat

let private pathList: P<Path list> = sepBy1 (path .>> ws) (sym ',')

let private stringArg: P<string> =
    ranged value
    >>= fun (v, _) ->
        match v.Kind with
        | Str s -> preturn s
        | _ -> fail "expected a file name in quotes"

let private clause: P<AnalysisClause> =
    let table =
        keyword "table" >>. ws >>. pathList .>>. opt (keyword "by" >>. ws >>. pathList)
        |>> fun (ms, by) -> fun r -> Table(ms, defaultArg by [], r)
    let plot =
        keyword "plot" >>. ws >>. (path .>> ws) .>> keyword "vs" .>> ws .>>. (path .>> ws)
        .>>. opt (keyword "by" >>. ws >>. path .>> ws)
        .>>. opt (keyword "to" >>. ws >>. stringArg .>> ws)
        |>> fun (((y, x), by), file) -> fun r -> Plot(y, x, by, file, r)
    let direction = (keyword "minimize" >>% Minimize) <|> (keyword "maximize" >>% Maximize)
    let pareto =
        keyword "pareto" >>. ws >>. sepBy1 (direction .>> ws .>>. (path .>> ws)) (sym ',')
        |>> fun objs -> fun r -> Pareto(objs, r)
    let export = keyword "export" >>. ws >>. stringArg |>> fun f -> fun r -> Export(f, r)
    ranged (choice [ table; plot; pareto; export ] <?> "table, plot, pareto or export")
    |>> fun (mk, r) -> mk r

let private clauses: P<AnalysisClause list> =
    between (skipChar '{' >>. seps) (skipChar '}' <?> "'}' or another clause") (many (clause .>> endOfItem .>> seps))

let private kw k = keyword k >>. ws

let private statementBody: P<Range -> Statement> =
    choice
        [ kw "import" >>. stringArg |>> fun p -> fun r -> Import(p, r)
          kw "let" >>. (ident .>> ws) .>> sym '=' .>>. value |>> fun (n, v) -> fun r -> Let(n, v, r)
          kw "experiment" >>. (ident .>> ws) .>>. opt (kw "extends" >>. ident .>> ws) .>>. assignments
          |>> fun ((n, parent), a) -> fun r -> Experiment(n, parent, a, r)
          kw "sweep" >>. (ident .>> ws) .>> kw "from" .>>. (ident .>> ws) .>>. opt (kw "zip") .>>. assignments
          |>> fun (((n, parent), zip), a) -> fun r -> Sweep(n, parent, zip.IsSome, a, r)
          kw "campaign" >>. (ident .>> ws) .>>. assignments |>> fun (n, a) -> fun r -> Campaign(n, a, r)
          kw "run" >>. ident |>> fun n -> fun r -> Run(n, r)
          kw "analyze" >>. (ident .>> ws) .>>. clauses |>> fun (n, c) -> fun r -> Analyze(n, c, r)
          kw "show" >>. ident |>> fun n -> fun r -> Show(n, r) ]
    <?> "a statement (import, let, experiment, sweep, campaign, run, analyze, show)"

/// One statement and its terminator.
let statement: P<Statement> =
    ranged statementBody .>> endOfItem |>> fun (mk, r) -> mk r
