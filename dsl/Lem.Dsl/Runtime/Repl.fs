// The public surface and its documentation: Repl.fsi.
module Lem.Dsl.Runtime.Repl

open System
open System.IO
open System.Text.RegularExpressions
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.Checker

type ReplSession =
    { Options: CheckOptions
      Kept: Located list
      Chunks: int
      Program: CheckedProgram }

type ReplOutcome =
    { Session: ReplSession
      Diagnostics: SyntaxDiagnostic list
      Actions: ScriptAction list
      Quit: bool }

let start (options: CheckOptions) : ReplSession =
    { Options = options; Kept = []; Chunks = 0; Program = Checker.emptyProgram [] }

let private nothing session diagnostics = { Session = session; Diagnostics = diagnostics; Actions = []; Quit = false }

let private bareName = Regex(@"^[A-Za-z_][A-Za-z0-9_]*$")

let submit (session: ReplSession) (chunk: string) : ReplOutcome =
    let trimmed = chunk.Trim()
    let n = session.Chunks + 1
    let load () : Result<Located list * SyntaxDiagnostic list, SyntaxDiagnostic list> =
        if trimmed.StartsWith ":load" then
            let file = trimmed.Substring(5).Trim().Trim('"')
            let full = if file = "" then "" else Path.GetFullPath file
            match (if file = "" then Ok None else Imports.read session.Options.Files full) with
            | Ok(Some text) -> Ok(Imports.load session.Options.Files full text)
            | Error d -> Error [ d ]
            | Ok None -> Error [ SyntaxDiagnostic.error Codes.ReplCommand (Range.point "<repl>" n 1) (sprintf "cannot load '%s': the file does not exist" file) ]
        elif trimmed.StartsWith ":" then
            Error [ SyntaxDiagnostic.error Codes.ReplCommand (Range.point "<repl>" n 1) (sprintf "unknown command %s (commands: :load FILE, :quit)" trimmed) ]
        else
            let text =
                if bareName.IsMatch trimmed && not (Lem.Dsl.Parser.Primitives.statementKeywords.Contains trimmed) then "show " + trimmed
                else chunk
            let name = sprintf "<repl %d>" n
            Ok(Imports.load session.Options.Files (Path.Combine(Environment.CurrentDirectory, name)) text)
    try
        match trimmed with
        | ":quit" | ":q" -> { nothing session [] with Quit = true }
        | "" -> nothing session []
        | _ ->
            match load () with
            | Error ds -> nothing session ds
            | Ok(located, loadDiagnostics) ->
                let redefined = located |> List.choose (fun l -> Statement.definedName l.Statement) |> List.map (fun i -> i.Name) |> set
                let kept =
                    session.Kept
                    |> List.filter (fun l ->
                        match Statement.definedName l.Statement with
                        | Some i -> not (redefined.Contains i.Name)
                        | None -> true)
                let program = Checker.checkLoaded session.Options (kept @ located) loadDiagnostics
                if program.HasErrors then
                    nothing { session with Chunks = n } program.Diagnostics
                else
                    let accepted = kept @ (located |> List.map (fun l -> { l with IsRoot = false }))
                    { Session = { session with Kept = accepted; Chunks = n; Program = program }
                      Diagnostics = program.Diagnostics
                      Actions = program.Actions
                      Quit = false }
    with ex ->
        nothing session [ SyntaxDiagnostic.error Codes.Internal (Range.point "<repl>" n 1) (sprintf "internal error (please report it): %s" ex.Message) ]
