/// Values: numbers, durations, strings, booleans, bare words, lists and calls.
module internal Lem.Dsl.Parser.Values

open System
open System.Globalization
open FParsec
open Lem.Dsl.Syntax
open Lem.Dsl.Parser.Primitives

let private stringLiteral: P<string> =
    let normal = manySatisfy (fun c -> c <> '"' && c <> '\\' && c <> '\n')
    let escape =
        skipChar '\\'
        >>. (anyOf "\"\\nt" <?> "an escape: \\\" \\\\ \\n or \\t")
        |>> function
            | 'n' -> "\n"
            | 't' -> "\t"
            | c -> string c
    between (skipChar '"') (skipChar '"' <?> "closing '\"'") (stringsSepBy normal escape) <?> "a string"

let private numberOptions =
    NumberLiteralOptions.AllowMinusSign ||| NumberLiteralOptions.AllowFraction ||| NumberLiteralOptions.AllowExponent

let private durationUnit: P<string> =
    (choice [ attempt (pstring "ms"); pstring "s"; pstring "m"; pstring "h" ]
     .>> notFollowedBy (satisfy (fun c -> isAsciiLetter c || isDigit c || c = '_')))
    <?> "a duration unit (ms, s, m, h)"

let private number: P<ValueKind> =
    numberLiteral numberOptions "a number" .>>. opt (attempt durationUnit)
    >>= fun (n, suffix) ->
        match suffix with
        | Some u ->
            let text = n.String + u
            match Lem.Engine.Config.DurationText.TryParse(text) with
            | true, t -> preturn (Dur(t, text))
            | _ -> fail (sprintf "'%s' is not a valid duration (write e.g. 250ms, 30s, 2m, 1.5h)" text)
        | None when n.IsInteger ->
            match Int64.TryParse(n.String, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
            | true, i -> preturn (Int i)
            | _ -> fail (sprintf "integer '%s' is too large" n.String)
        | None ->
            match Double.TryParse(n.String, NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, d when not (Double.IsInfinity d) -> preturn (Dec d)
            | _ -> fail (sprintf "'%s' is not a valid number" n.String)

let value, private valueRef = createParserForwardedToRef<Value, unit> ()

let private listValue: P<ValueKind> =
    between (symNl '[') (skipChar ']' <?> "']'") (sepEndBy (value .>> wsnl) (symNl ','))
    |>> List

let private argument: P<Choice<Value, Ident * Value>> =
    let named = attempt (ident .>> ws .>> skipChar '=' .>> notFollowedBy (skipChar '=') .>> wsnl) .>>. value |>> Choice2Of2
    named <|> (value |>> Choice1Of2)

let private wordOrCall: P<ValueKind> =
    identText .>>. opt (attempt (ws >>. symNl '(') >>. sepEndBy (argument .>> wsnl) (symNl ',') .>> (skipChar ')' <?> "')'"))
    |>> fun (name, args) ->
        match args, name with
        | None, "true" -> Bool true
        | None, "false" -> Bool false
        | None, _ -> Word name
        | Some args, _ ->
            let positional = args |> List.choose (function Choice1Of2 v -> Some v | _ -> None)
            let named = args |> List.choose (function Choice2Of2 nv -> Some nv | _ -> None)
            Call(name, positional, named)

do
    valueRef.Value <-
        ranged (choice [ listValue; stringLiteral |>> Str; number; wordOrCall ] <?> "a value")
        |>> fun (k, r) -> { Kind = k; Range = r }

/// A value alone (for `--set PATH=VALUE` and the REPL).
let valueOnly: P<Value> = ws >>. value .>> ws .>> eof
