/// The REPL core: one chunk of text at a time, checked in the context of the definitions kept so far.
module Lem.Dsl.Runtime.Repl

open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.Checker

type ReplSession =
    { /// What chunks are checked with (the registry included).
      Options: CheckOptions
      /// Accepted statements (definitions of earlier chunks; their actions are not repeated).
      Kept: Located list
      Chunks: int
      Program: CheckedProgram }

type ReplOutcome =
    { Session: ReplSession
      Diagnostics: SyntaxDiagnostic list
      /// The run/analyze/show actions of this chunk, for Interpreter.runActions.
      Actions: ScriptAction list
      Quit: bool }

val start: options: CheckOptions -> ReplSession

/// Checks one chunk: `:quit`, `:load FILE`, a bare name (shown), or statements. A chunk with errors
/// changes nothing; otherwise its definitions are kept (a redefinition replaces the earlier one).
val submit: session: ReplSession -> chunk: string -> ReplOutcome
