// The public surface and its documentation: ScriptParser.fsi.
module Lem.Dsl.Parser.ScriptParser

open System
open FParsec
open Lem.Dsl.Syntax
open Lem.Dsl.Parser.Primitives

let rec private collect (msgs: ErrorMessage[]) =
    msgs
    |> Array.toList
    |> List.collect (fun m ->
        match m with
        | :? ErrorMessage.NestedError as n -> collect (ErrorMessageList.ToSortedArray n.Messages)
        | :? ErrorMessage.CompoundError as c -> [ Choice1Of2 c.LabelOfCompound ]
        | :? ErrorMessage.Expected as e -> [ Choice1Of2 e.Label ]
        | :? ErrorMessage.ExpectedString as e -> [ Choice1Of2(sprintf "'%s'" e.String) ]
        | :? ErrorMessage.ExpectedCaseInsensitiveString as e -> [ Choice1Of2(sprintf "'%s'" e.CaseInsensitiveString) ]
        | :? ErrorMessage.Message as e -> [ Choice2Of2 e.String ]
        | _ -> [])

let private found (text: string) (index: int) =
    if index >= text.Length then "the end of the file"
    else
        match text[index] with
        | '\n' | '\r' -> "the end of the line"
        | c when Char.IsControl c -> sprintf "character U+%04X" (int c)
        | c when Char.IsAsciiLetter c || c = '_' ->
            let mutable e = index
            while e < text.Length && (Char.IsAsciiLetterOrDigit text[e] || text[e] = '_') do e <- e + 1
            let word = text.Substring(index, e - index)
            let keyword = DidYouMean.closest Primitives.statementKeywords word
            match keyword with
            | Some k when k <> word && (index = 0 || text[index - 1] = '\n') -> sprintf "'%s' (did you mean '%s'?)" word k
            | _ -> sprintf "'%s'" word
        | c -> sprintf "'%c'" c

/// One-line message from FParsec's error list: custom messages first, else "expected A, B or C; found X".
let private message (text: string) (index: int) (errors: ErrorMessageList) =
    let items = collect (ErrorMessageList.ToSortedArray errors)
    let custom = items |> List.choose (function Choice2Of2 m -> Some m | _ -> None) |> List.distinct
    let isWhitespaceNoise (l: string) = l = "'#'" || l = "'//'" || l.StartsWith "any char in"
    let expected =
        items
        |> List.choose (function Choice1Of2 l when not (isWhitespaceNoise l) -> Some l | _ -> None)
        |> List.distinct
    match custom, expected with
    | m :: _, _ -> m
    | [], [] -> sprintf "unexpected %s" (found text index)
    | [], [ one ] -> sprintf "expected %s; found %s" one (found text index)
    | [], many ->
        let last = List.last many
        let init = many |> List.take (many.Length - 1) |> String.concat ", "
        sprintf "expected %s or %s; found %s" init last (found text index)

let private rangeAt (p: Position) = Range.point p.StreamName (int p.Line) (int p.Column)

let private scriptParser (text: string) (diagnostics: ResizeArray<SyntaxDiagnostic>) : P<Statement list> =
    fun stream ->
        let statements = ResizeArray<Statement>()
        seps stream |> ignore
        while not stream.IsEndOfStream do
            let mutable state = stream.State
            let start = int stream.Index
            let reply = Statements.statement stream
            if reply.Status = ReplyStatus.Ok then
                statements.Add reply.Result
            else
                let errorIndex = int stream.Index
                diagnostics.Add(SyntaxDiagnostic.error Codes.Syntax (rangeAt stream.Position) (message text errorIndex reply.Error))
                stream.BacktrackTo(&state)
                let resume = Recovery.resumeIndex text start
                stream.SkipCharsOrNewlines(resume - start) |> ignore
            seps stream |> ignore
        Reply(List.ofSeq statements)

let maxNesting = 200

let private nestingTooDeep (text: string) =
    let mutable depth = 0
    let mutable at = -1
    let mutable inString = false
    let mutable inComment = false
    let mutable i = 0
    while i < text.Length && at < 0 do
        let c = text[i]
        if inComment then (if c = '\n' then inComment <- false)
        elif inString then
            if c = '\\' then i <- i + 1
            elif c = '"' || c = '\n' then inString <- false
        else
            match c with
            | '"' -> inString <- true
            | '#' -> inComment <- true
            | '/' when i + 1 < text.Length && text[i + 1] = '/' -> inComment <- true
            | '(' | '[' | '{' ->
                depth <- depth + 1
                if depth > maxNesting then at <- i
            | ')' | ']' | '}' -> depth <- max 0 (depth - 1)
            | _ -> ()
        i <- i + 1
    if at < 0 then None
    else
        let line = 1 + (text.Substring(0, at) |> Seq.filter (fun c -> c = '\n') |> Seq.length)
        let column = at - (text.LastIndexOf('\n', max 0 (at - 1)) + 1) + 1
        Some(line, (if at = 0 then 1 else column))

let parse (file: string) (text: string) : Statement list * SyntaxDiagnostic list =
    let diagnostics = ResizeArray<SyntaxDiagnostic>()
    try
        match nestingTooDeep text with
        | Some(line, column) ->
            [], [ SyntaxDiagnostic.error Codes.Syntax (Range.point file line column) (sprintf "brackets nested deeper than %d levels" maxNesting) ]
        | None ->
        match runParserOnString (scriptParser text diagnostics) () file text with
        | Success(statements, _, _) -> statements, List.ofSeq diagnostics
        | Failure(_, error, _) ->
            [], List.ofSeq diagnostics @ [ SyntaxDiagnostic.error Codes.Syntax (rangeAt error.Position) (message text (int error.Position.Index) error.Messages) ]
    with ex ->
        [], [ SyntaxDiagnostic.error Codes.Internal (Range.point file 1 1) (sprintf "internal parser error (please report it): %s" ex.Message) ]

let parseValue (file: string) (text: string) : Result<Value, SyntaxDiagnostic> =
    try
        match nestingTooDeep text with
        | Some(line, column) -> Result.Error(SyntaxDiagnostic.error Codes.Syntax (Range.point file line column) (sprintf "brackets nested deeper than %d levels" maxNesting))
        | None ->
        match runParserOnString Values.valueOnly () file text with
        | Success(v, _, _) -> Result.Ok v
        | Failure(_, error, _) ->
            Result.Error(SyntaxDiagnostic.error Codes.Syntax (rangeAt error.Position) (message text (int error.Position.Index) error.Messages))
    with ex ->
        Result.Error(SyntaxDiagnostic.error Codes.Internal (Range.point file 1 1) (sprintf "internal parser error (please report it): %s" ex.Message))
