/// Loads a script and its imports: each file once, paths relative to the importing file, cycles reported.
module Lem.Dsl.Checker.Imports

open Lem.Dsl.Syntax

type SourceFiles =
    { /// Reads a file by full path; None when it does not exist. A file that is not valid UTF-8 raises
      /// Lem.Engine.InputTextException (as Lem.Engine.InputText, the one strict reader, does): read through `read`.
      Read: string -> string option
      /// The name shown in diagnostics and provenance for a full path.
      Display: string -> string }

/// Files on disk (read as strict UTF-8 by Lem.Engine.InputText), shown relative to `displayBase` (full paths outside it).
val diskFiles: displayBase: string -> SourceFiles

/// Reads a file through `files`: Ok None when it does not exist; an LEM0202 error at the first byte that is not UTF-8
/// (its line and column, the byte offset in the message).
val read: files: SourceFiles -> fullPath: string -> Result<string option, SyntaxDiagnostic>

/// How deep imports may nest (a file importing a file importing ...): deeper is LEM0203.
val maxImportDepth: int

/// A statement with the file it came from (full path) and whether it came from the root file.
type Located = { Statement: Statement; FullPath: string; IsRoot: bool }

/// Statements of the root text with each import's statements inserted at the import (definitions only
/// matter there; actions of imported files are not executed).
val load: files: SourceFiles -> rootFullPath: string -> rootText: string -> Located list * SyntaxDiagnostic list
