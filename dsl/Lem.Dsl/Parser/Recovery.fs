/// Error recovery: after a statement fails, skip to the next line that starts with a statement keyword
/// at column 1, or past the next top-level `}`, so that one check reports every error of a script.
module internal Lem.Dsl.Parser.Recovery

open System

let private isNameChar c = Char.IsAsciiLetterOrDigit c || c = '_'

let private startsStatement (text: string) (i: int) =
    Primitives.statementKeywords
    |> Seq.exists (fun k ->
        String.CompareOrdinal(text, i, k, 0, k.Length) = 0
        && (i + k.Length >= text.Length || not (isNameChar text[i + k.Length])))

/// The index where parsing resumes after a statement that started at `start` failed. Always > start
/// (unless start is already at the end), so the parse loop makes progress.
let resumeIndex (text: string) (start: int) =
    let mutable depth = 0
    let mutable i = start
    let mutable result = -1
    let mutable inString = false
    let mutable inComment = false
    while result < 0 && i < text.Length do
        let c = text[i]
        if inComment then
            if c = '\n' then inComment <- false
        elif inString then
            if c = '\\' then i <- i + 1
            elif c = '"' || c = '\n' then inString <- false
        else
            match c with
            | '"' -> inString <- true
            | '#' -> inComment <- true
            | '/' when i + 1 < text.Length && text[i + 1] = '/' -> inComment <- true
            | '{' -> depth <- depth + 1
            | '}' ->
                depth <- depth - 1
                if depth <= 0 then result <- i + 1
            | '\n' when i + 1 < text.Length && i >= start && startsStatement text (i + 1) -> result <- i + 1
            | _ -> ()
        i <- i + 1
    if result < 0 then text.Length else max result (start + 1)
