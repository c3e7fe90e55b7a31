/// Whitespace, comments, separators, identifiers and positions: the only module that knows how the
/// text between tokens looks.
module internal Lem.Dsl.Parser.Primitives

open FParsec
open Lem.Dsl.Syntax

type P<'a> = Parser<'a, unit>

let statementKeywords = set [ "import"; "let"; "experiment"; "sweep"; "campaign"; "run"; "analyze"; "show" ]

/// `#` or `//` to the end of the line (the newline itself is left for the separator).
let comment: P<unit> = (skipChar '#' <|> skipString "//") >>. skipManyTill anyChar (followedBy (skipNewline <|> eof))

/// Spaces, tabs and comments on the current line.
let ws: P<unit> = skipMany ((skipMany1 (anyOf " \t\r") ) <|> comment)

/// Any whitespace including newlines and comments.
let wsnl: P<unit> = skipMany (skipMany1 (anyOf " \t\r\n") <|> comment)

/// Whitespace, newlines, comments and `;` separators.
let seps: P<unit> = skipMany (skipMany1 (anyOf " \t\r\n;") <|> comment)

/// The end of a statement or assignment: a newline, `;`, the end of input, or (inside a block) a closing `}` left in place.
let endOfItem: P<unit> =
    ws >>. (skipNewline <|> skipChar ';' <|> eof <|> followedBy (skipChar '}')) <?> "a new line or ';'"

let position: P<Position> = getPosition

let toRange (s: Position) (e: Position) =
    Range.make s.StreamName (int s.Line) (int s.Column) (int e.Line) (int e.Column)

/// Runs p and returns its result with the range it covered.
let ranged (p: P<'a>) : P<'a * Range> =
    pipe3 position p position (fun s x e -> x, toRange s e)

let identText: P<string> =
    let isStart c = isAsciiLetter c || c = '_'
    let isCont c = isAsciiLetter c || isDigit c || c = '_'
    many1Satisfy2L isStart isCont "a name"

let ident: P<Ident> = ranged identText |>> fun (n, r) -> { Name = n; Range = r }

/// A keyword: the word and no name character after it.
let keyword (k: string) : P<unit> =
    attempt (skipString k >>. notFollowedBy (satisfy (fun c -> isAsciiLetter c || isDigit c || c = '_'))) <?> sprintf "'%s'" k

let sym (c: char) : P<unit> = skipChar c >>. ws

let symNl (c: char) : P<unit> = skipChar c >>. wsnl

let path: P<Path> =
    ranged (sepBy1 identText (attempt (skipChar '.' >>. followedBy identText)))
    |>> fun (parts, r) -> { Parts = parts; Range = r }
