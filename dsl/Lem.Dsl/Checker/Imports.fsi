/// Loads a script and its imports: each file once, paths relative to the importing file, cycles reported.
module Lem.Dsl.Checker.Imports

open Lem.Dsl.Syntax

type SourceFiles =
    { /// Reads a file by full path; None when it does not exist.
      Read: string -> string option
      /// The name shown in diagnostics and provenance for a full path.
      Display: string -> string }

/// Files on disk, shown relative to `displayBase` (full paths outside it).
val diskFiles: displayBase: string -> SourceFiles

/// A statement with the file it came from (full path) and whether it came from the root file.
type Located = { Statement: Statement; FullPath: string; IsRoot: bool }

/// Statements of the root text with each import's statements inserted at the import (definitions only
/// matter there; actions of imported files are not executed).
val load: files: SourceFiles -> rootFullPath: string -> rootText: string -> Located list * SyntaxDiagnostic list
